// The page's start: who is signed in (the session cookie of POST /api/session), then the upload queue
// and the browser. Everything it does goes through Depot's public API.
import * as api from "./api.js";
import { Uploads, filesFromDrop, clean } from "./uploads.js";
import { Browser } from "./browse.js";

const $ = (id) => document.getElementById(id);
const notice = $("notice");

function announce(message) {
  // Cleared first so that the same message twice is read out twice.
  notice.textContent = "";
  requestAnimationFrame(() => (notice.textContent = message));
}

// A session that ends while the page is open (idle timeout, server restart): the sign-in form comes
// back above the page, which keeps its uploads; Retry after signing in goes on where they stopped.
api.whenSessionEnds(() => {
  $("sign-in").hidden = false;
  $("who").hidden = true;
  $("sign-in-error").textContent = "Your session has ended. Sign in again to go on.";
  $("username").focus();
});

let uploads;
let browser;
let reloadTimer;
let targetFollowsBrowsing = true;

async function start() {
  const me = await api.whoAmI().catch((e) => {
    announce(e.message);
    return null;
  });
  $("loading").hidden = true;
  if (me && me.via === "session") {
    await showApp(me);
  } else {
    // Signed in some other way (a browser's remembered Basic credentials), or not at all: the page
    // needs its own session, whose CSRF token its writes carry.
    showSignIn();
  }
}

function showSignIn() {
  $("app").hidden = true;
  $("who").hidden = true;
  $("sign-in").hidden = false;
  $("username").focus();
}

async function showApp(me) {
  $("sign-in").hidden = true;
  $("who-name").textContent = me.name;
  $("who").hidden = false;
  $("app").hidden = false;
  if (!uploads) {
    uploads = new Uploads({
      queue: $("queue"),
      limits: $("limits"),
      announce,
      onStored: (item) => {
        const dir = browser.dir;
        if (item.dir === dir || item.dir.startsWith(dir ? `${dir}/` : "")) {
          // Once for a burst of small files, not once a file.
          clearTimeout(reloadTimer);
          reloadTimer = setTimeout(() => browser.load(), 250);
        }
      },
    });
    browser = new Browser({
      announce,
      onDirectory: (dir) => {
        if (targetFollowsBrowsing) {
          $("target-dir").value = dir;
        }
      },
    });
    wireUploads();
  }
  await uploads.discover();
  await browser.start();
}

function wireUploads() {
  const drop = $("drop");
  const fileInput = $("file-input");
  const folderInput = $("folder-input");
  const queue = (files) => uploads.add(files, clean($("target-dir").value).join("/"), $("create-only").checked);

  $("choose-files").addEventListener("click", () => fileInput.click());
  $("choose-folder").addEventListener("click", () => folderInput.click());
  fileInput.addEventListener("change", () => {
    queue([...fileInput.files].map((file) => ({ file, relativePath: file.name })));
    fileInput.value = "";
  });
  folderInput.addEventListener("change", () => {
    queue([...folderInput.files].map((file) => ({ file, relativePath: file.webkitRelativePath || file.name })));
    folderInput.value = "";
  });
  // Typing a directory stops it from following the browsing; emptying the field lets it follow again.
  $("target-dir").addEventListener("input", (e) => (targetFollowsBrowsing = e.target.value === ""));

  for (const type of ["dragenter", "dragover"]) {
    drop.addEventListener(type, (e) => {
      e.preventDefault();
      drop.classList.add("over");
    });
  }
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", async (e) => {
    e.preventDefault();
    drop.classList.remove("over");
    queue(await filesFromDrop(e.dataTransfer));
  });
  // A file dropped beside the zone must not make the browser leave the page to show it.
  window.addEventListener("dragover", (e) => e.preventDefault());
  window.addEventListener("drop", (e) => e.preventDefault());
}

$("sign-in-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  $("sign-in-error").textContent = "";
  const username = $("username").value.trim();
  const password = $("password").value;
  if (!username || !password) {
    $("sign-in-error").textContent = "Enter your user name and password.";
    return;
  }
  try {
    await api.signIn(username, password);
    $("password").value = "";
    await showApp(await api.whoAmI());
    announce(`Signed in as ${username}.`);
    // The form is gone, and focus with it: start the keyboard at the Upload heading, unless the user
    // has already moved on while the page was loading.
    if (document.activeElement === document.body || document.activeElement === null) {
      $("upload-title").focus();
    }
  } catch (error) {
    $("sign-in-error").textContent =
      error instanceof api.ApiError && error.status === 401 ? "The user name or password is not right." : error.message;
  }
});

$("sign-out").addEventListener("click", async () => {
  try {
    await api.signOut();
  } catch (e) {
    announce(e.message);
  }
  // Resumable uploads' fingerprints name the user and paths: not left behind for the next person.
  for (const key of Object.keys(localStorage)) {
    if (key.startsWith("tus::depot|")) {
      localStorage.removeItem(key);
    }
  }
  location.hash = "";
  location.reload();
});

start();
