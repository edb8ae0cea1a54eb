// Drives Depot's web page in a real headless Chromium (Debian's, through playwright-core), the way a
// person does: sign in, drop and pick files, watch progress, lose the network, browse, download,
// delete, all by mouse or by keyboard alone; scans every state with axe-core and saves screenshots.
//   node web-page.mjs SCENARIO --url http://127.0.0.1:PORT/depot/ --user U --password P --shots DIR
//        --work DIR --dir D [--small F --medium F --big F] [--download NAME --delete NAME --keep NAME]
// Scenarios: upload (three files, one cut off mid-way by a network drop), browse (a directory of
// many files: pages, download, delete), keyboard (the same by keyboard alone, with axe scans),
// controls (client-side size limit, a create-only conflict, cancel while the network fails, a folder,
// the multipart fallback, a session that ends while the page is open).
// Prints one JSON line with what it saw; the Java test (WebPageIT) judges it against the server.
import { chromium } from "playwright-core";
import { readFileSync, mkdirSync } from "node:fs";
import { basename, join } from "node:path";
import net from "node:net";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

const [scenario, ...rest] = process.argv.slice(2);
const opts = {};
for (let i = 0; i < rest.length; i += 2) {
  opts[rest[i].replace(/^--/, "")] = rest[i + 1];
}
for (const required of ["url", "user", "password", "shots", "work", "dir"]) {
  if (!opts[required]) {
    console.error(`missing --${required}`);
    process.exit(2);
  }
}
mkdirSync(opts.shots, { recursive: true });
const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };
const result = { scenario, axe: [], screenshots: [] };

/**
 * A TCP relay between the browser and the server that counts the bytes it forwards to the server and
 * can cut the network: every open connection is reset and new ones are refused until restored.
 */
function relay(target) {
  const sockets = new Set();
  const state = { up: 0, refusing: false };
  const server = net.createServer((client) => {
    if (state.refusing) {
      client.resetAndDestroy();
      return;
    }
    const upstream = net.connect(target.port, target.hostname);
    sockets.add(client);
    sockets.add(upstream);
    client.on("data", (chunk) => (state.up += chunk.length));
    client.pipe(upstream);
    upstream.pipe(client);
    const close = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on("error", close);
    upstream.on("error", close);
    client.on("close", close);
    upstream.on("close", close);
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () =>
      resolve({
        port: server.address().port,
        state,
        cut() {
          state.refusing = true;
          for (const s of sockets) {
            s.resetAndDestroy();
          }
          sockets.clear();
        },
        restore() {
          state.refusing = false;
        },
        close: () => server.close(),
      }),
    ),
  );
}

async function scan(page, name) {
  // Evaluated by Playwright through the DevTools protocol, which the page's CSP does not govern.
  if (!(await page.evaluate(() => typeof window.axe !== "undefined"))) {
    await page.evaluate(axeSource);
  }
  const outcome = await page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ["violations"] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(" ")).slice(0, 5) }));
  });
  result.axe.push({ state: name, violations: outcome });
}

async function shot(page, name, viewport = DESKTOP) {
  const wide = viewport === DESKTOP ? "desktop" : "phone";
  await page.setViewportSize(viewport);
  const file = join(opts.shots, `${scenario}-${name}-${wide}.png`);
  await page.screenshot({ path: file, fullPage: true });
  result.screenshots.push(file);
  if (viewport !== DESKTOP) {
    await page.setViewportSize(DESKTOP);
  }
}

async function signIn(page) {
  await page.locator("#username").fill(opts.user);
  await page.locator("#password").fill(opts.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.locator("#app").waitFor({ state: "visible" });
}

function item(page, path) {
  return page.locator(`#queue li[data-path="${path}"]`);
}

async function waitForState(page, path, states, timeout = 300_000) {
  await page.waitForFunction(
    ([p, s]) => {
      const li = [...document.querySelectorAll("#queue li")].find((l) => l.dataset.path === p);
      return li && s.includes(li.dataset.state);
    },
    [path, states],
    { timeout, polling: 100 },
  );
  return item(page, path).getAttribute("data-state");
}

async function dropFile(page, file, type) {
  const bytes = readFileSync(file).toString("base64");
  await page.evaluate(
    ([name, data, mime]) => {
      const raw = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
      const transfer = new DataTransfer();
      transfer.items.add(new File([raw], name, { type: mime }));
      const zone = document.getElementById("drop");
      for (const type of ["dragenter", "dragover", "drop"]) {
        zone.dispatchEvent(new DragEvent(type, { dataTransfer: transfer, bubbles: true, cancelable: true }));
      }
    },
    [basename(file), bytes, type],
  );
}

async function details(page, path) {
  const name = path.split("/").pop();
  await page.getByRole("button", { name: `Details of ${name}`, exact: true }).click();
  await page.waitForFunction((p) => document.getElementById("detail-path").textContent === p, path);
  return {
    sha256: (await page.locator("#detail-sha256").textContent()).trim(),
    reprDigest: (await page.locator("#detail-repr-digest").textContent()).trim(),
    createdBy: (await page.locator("#detail-created-by").textContent()).trim(),
    curl: await page.locator("#detail-curl").inputValue(),
  };
}

async function listed(page) {
  return page.locator("#entries tr[data-path]").evaluateAll((rows) => rows.map((r) => r.dataset.path));
}

async function upload(page, base, relayControl) {
  const small = opts.small;
  const medium = opts.medium;
  const big = opts.big;
  await page.goto(`${base}#/${opts.dir}/`);
  await page.locator("#username").waitFor();
  await scan(page, "sign-in");
  await shot(page, "sign-in");
  await shot(page, "sign-in", PHONE);
  await signIn(page);
  await page.waitForFunction((d) => document.getElementById("target-dir").value === d, opts.dir);
  await scan(page, "signed-in");
  // The Content-Security-Policy at work: a script element with inline code does not run.
  result.inlineScriptBlocked = await page.evaluate(
    () =>
      new Promise((resolve) => {
        const script = document.createElement("script");
        script.textContent = "window.inlineRan = true";
        document.head.append(script);
        setTimeout(() => resolve(window.inlineRan !== true), 200);
      }),
  );

  // One file dropped, two picked with the file chooser; the 200 MiB one loses the network mid-way.
  const before = relayControl.state.up;
  await dropFile(page, small, "text/plain");
  const chooser = nextChooser();
  await page.getByRole("button", { name: "Choose files" }).click();
  await (await chooser).setFiles([medium, big]);
  const bigPath = `${opts.dir}/${basename(big)}`;
  const reached = (percent) =>
    page.waitForFunction(
      ([p, n]) => {
        const li = [...document.querySelectorAll("#queue li")].find((l) => l.dataset.path === p);
        return li && li.querySelector("progress").value >= n;
      },
      [bigPath, percent],
      { timeout: 300_000, polling: 20 },
    );
  // Pause holds the upload where it is; Resume goes on from there.
  await reached(5);
  await page.getByRole("button", { name: `Pause ${bigPath}`, exact: true }).click();
  await waitForState(page, bigPath, ["paused"], 10_000);
  const pausedAt = await item(page, bigPath).locator("progress").evaluate((p) => p.value);
  await new Promise((r) => setTimeout(r, 1500));
  result.pausedAt = pausedAt;
  result.pauseHeld = (await item(page, bigPath).locator("progress").evaluate((p) => p.value)) === pausedAt;
  await shot(page, "paused");
  await page.getByRole("button", { name: `Resume ${bigPath}`, exact: true }).click();
  await reached(Math.max(30, pausedAt + 10));
  result.cutAtPercent = await item(page, bigPath).locator("progress").evaluate((p) => p.value);
  await shot(page, "uploading");
  relayControl.cut();
  result.stateAfterCut = await waitForState(page, bigPath, ["retrying", "error"], 60_000);
  await shot(page, "network-down");
  await new Promise((r) => setTimeout(r, 3000));
  relayControl.restore();
  for (const f of [small, medium, big]) {
    await waitForState(page, `${opts.dir}/${basename(f)}`, ["done"]);
  }
  result.bytesToServer = relayControl.state.up - before;
  result.progress = await page.locator("#queue li").evaluateAll((items) =>
    items.map((li) => ({ path: li.dataset.path, state: li.dataset.state, value: li.querySelector("progress").value, percent: li.querySelector(".percent").textContent })),
  );
  await page.waitForFunction((n) => document.querySelectorAll("#entries tr[data-path]").length >= n, 3);
  result.listed = await listed(page);
  result.details = {};
  for (const f of [small, medium, big]) {
    result.details[basename(f)] = await details(page, `${opts.dir}/${basename(f)}`);
  }
  await shot(page, "done");
  await scan(page, "details");
  await page.getByRole("button", { name: "Create share link" }).click();
  await page.locator("#share-result").waitFor({ state: "visible" });
  result.shareUrl = await page.locator("#share-url").inputValue();
  await shot(page, "details");
  await shot(page, "details", PHONE);
  await scan(page, "share");
}

async function browse(page, base) {
  await page.goto(`${base}#/${opts.dir}/`);
  await signIn(page);
  await page.getByRole("link", { name: "many/", exact: true }).click();
  await page.waitForFunction((d) => location.hash === `#/${d}/many/`, opts.dir);
  const pages = [];
  for (;;) {
    await page.waitForFunction((n) => document.getElementById("page-info").textContent === `Page ${n}`, pages.length + 1);
    pages.push(await listed(page));
    if (pages.length === 2) {
      await shot(page, "listing");
      await shot(page, "listing", PHONE);
      await scan(page, "listing");
    }
    if (await page.locator("#next-page").isDisabled()) {
      break;
    }
    await page.getByRole("button", { name: "Next page" }).click();
  }
  result.pages = pages.map((p) => p.length);
  result.paths = pages.flat();
  await page.getByRole("button", { name: "Previous page" }).click();
  await page.waitForFunction((n) => document.getElementById("page-info").textContent === `Page ${n}`, pages.length - 1);
  result.previousPageSame = JSON.stringify(await listed(page)) === JSON.stringify(pages[pages.length - 2]);

  // Back to the first page, by the breadcrumb and the directory link again.
  await page.getByRole("navigation", { name: "Directory" }).getByRole("link", { name: opts.dir.split("/").pop() }).click();
  await page.getByRole("link", { name: "many/", exact: true }).click();
  await page.waitForFunction(() => document.getElementById("page-info").textContent === "Page 1");

  const download = page.waitForEvent("download");
  await page.getByRole("link", { name: `Download ${opts.download}`, exact: true }).click();
  const saved = join(opts.work, `downloaded-${opts.download}`);
  await (await download).saveAs(saved);
  result.downloaded = saved;

  // Cancel keeps the file; Delete removes it.
  await page.getByRole("button", { name: `Delete ${opts.keep}`, exact: true }).click();
  await page.locator("#confirm-delete").waitFor({ state: "visible" });
  await page.getByRole("button", { name: "Cancel" }).click();
  await page.getByRole("button", { name: `Delete ${opts.delete}`, exact: true }).click();
  await page.locator("#confirm-delete").waitFor({ state: "visible" });
  await scan(page, "confirm-delete");
  await shot(page, "confirm-delete");
  await page.locator("#confirm-delete").getByRole("button", { name: "Delete" }).click();
  const deleted = `${opts.dir}/many/${opts.delete}`;
  await page.waitForFunction((p) => ![...document.querySelectorAll("#entries tr")].some((r) => r.dataset.path === p), deleted);
  result.afterDelete = await listed(page);
}

/** A test of the focused element's aria-label, for tabTo. */
function labelled(label) {
  return [(l) => document.activeElement?.getAttribute("aria-label") === l, label];
}

async function tabTo(page, predicate, description, max = 80) {
  const [test, arg] = Array.isArray(predicate) ? predicate : [predicate, undefined];
  for (let i = 0; i < max; i++) {
    await page.keyboard.press("Tab");
    if (await page.evaluate(test, arg)) {
      return;
    }
  }
  throw new Error(`Tab never reached ${description}`);
}

async function keyboard(page, base) {
  await page.goto(`${base}#/${opts.dir}/`);
  await page.locator("#username").waitFor();
  await page.waitForFunction(() => document.activeElement?.id === "username");
  await page.keyboard.type(opts.user);
  await page.keyboard.press("Tab");
  await page.keyboard.type(opts.password);
  await page.keyboard.press("Enter");
  await page.locator("#app").waitFor({ state: "visible" });
  // Signed in, the page puts focus on the Upload heading once it has loaded; keys pressed before that
  // would be overtaken by it (seen: Enter then reached the heading, not "Choose files").
  await page.waitForFunction(() => document.activeElement?.id === "upload-title");
  result.focusAfterSignIn = "upload-title";

  await tabTo(page, () => document.activeElement?.id === "choose-files", "Choose files");
  result.focusOutline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
  await shot(page, "focus");
  const chooser = nextChooser();
  await page.keyboard.press("Enter");
  await (await chooser).setFiles([opts.small]);
  const path = `${opts.dir}/${basename(opts.small)}`;
  await waitForState(page, path, ["done"]);
  await page.waitForFunction((p) => [...document.querySelectorAll("#entries tr")].some((r) => r.dataset.path === p), path);

  const name = basename(opts.small);
  await tabTo(page, labelled(`Details of ${name}`), `Details of ${name}`, 200);
  await page.keyboard.press("Enter");
  await page.waitForFunction(() => document.activeElement?.id === "details-title");
  result.detailsSha256 = (await page.locator("#detail-sha256").textContent()).trim();
  await scan(page, "details");
  await shot(page, "details");
  await tabTo(page, () => document.activeElement?.id === "close-details", "Close details");
  await page.keyboard.press("Enter");
  result.focusAfterClose = await page.evaluate(() => document.activeElement?.getAttribute("aria-label"));

  await tabTo(page, labelled(`Delete ${name}`), `Delete ${name}`, 10);
  await page.keyboard.press("Enter");
  await page.locator("#confirm-delete").waitFor({ state: "visible" });
  result.dialogFocus = await page.evaluate(() => document.activeElement?.id);
  await scan(page, "confirm-delete");
  await shot(page, "confirm-delete", PHONE);
  await page.keyboard.press("Tab");
  result.dialogFocusAfterTab = await page.evaluate(() => document.activeElement?.id);
  await page.keyboard.press("Enter");
  await page.waitForFunction((p) => ![...document.querySelectorAll("#entries tr")].some((r) => r.dataset.path === p), path);
  result.deleted = path;
  await scan(page, "after-delete");
  await shot(page, "after-delete");
  await shot(page, "after-delete", PHONE);
}

async function controls(page, base) {
  const small = opts.small;
  const name = basename(small);
  // 1. The server says (through a routed OPTIONS) that it takes at most 4 KiB: the page refuses the
  //    file itself and says why, sending nothing.
  await page.route(/\/api\/uploads$/, async (route) => {
    if (route.request().method() === "OPTIONS") {
      await route.fulfill({ status: 204, headers: { "Tus-Resumable": "1.0.0", "Tus-Version": "1.0.0", "Tus-Max-Size": "4096" } });
    } else {
      await route.continue();
    }
  });
  await page.goto(`${base}#/${opts.dir}/`);
  await signIn(page);
  await page.locator("#file-input").setInputFiles([small]);
  await waitForState(page, `${opts.dir}/${name}`, ["refused"], 30_000);
  result.limitMessage = (await item(page, `${opts.dir}/${name}`).locator(".error").textContent()).trim();
  await page.unrouteAll();

  // 2. Create-only onto an existing file (the test stored it before): the server's problem detail.
  await page.reload();
  await page.locator("#app").waitFor({ state: "visible" });
  await page.locator("#create-only").check();
  await page.locator("#file-input").setInputFiles([small]);
  await waitForState(page, `${opts.dir}/${name}`, ["error"], 60_000);
  result.conflictMessage = (await item(page, `${opts.dir}/${name}`).locator(".error").last().textContent()).trim();
  await shot(page, "refused");
  await scan(page, "refused");

  // 3. Cancel while every PATCH fails on the network: the upload stays cancelled (no retry brings it
  //    back) and the page ends it on the server (tus DELETE).
  await page.locator("#create-only").uncheck();
  await page.locator("#target-dir").fill(`${opts.dir}/cancelled`);
  await page.route(/\/api\/uploads\/[^/?]+$/, (route) =>
    route.request().method() === "PATCH" ? route.abort("connectionreset") : route.continue(),
  );
  const deletes = [];
  page.on("response", (r) => {
    if (r.request().method() === "DELETE" && r.url().includes("/api/uploads/")) {
      deletes.push(r.status());
    }
  });
  await page.locator("#file-input").setInputFiles([small]);
  const cancelled = `${opts.dir}/cancelled/${name}`;
  await waitForState(page, cancelled, ["retrying"], 30_000);
  await page.getByRole("button", { name: `Cancel ${cancelled}`, exact: true }).click();
  await new Promise((r) => setTimeout(r, 4000));
  result.stateAfterCancel = await item(page, cancelled).getAttribute("data-state");
  result.cancelDeletes = deletes;
  await page.unrouteAll();

  // 4. A folder keeps its inner paths.
  await page.locator("#target-dir").fill(`${opts.dir}/folders`);
  await page.locator("#folder-input").setInputFiles(opts.folder);
  const folder = basename(opts.folder);
  for (const inner of [`${folder}/a.txt`, `${folder}/sub/b.txt`]) {
    await waitForState(page, `${opts.dir}/folders/${inner}`, ["done"], 60_000);
  }
  result.folderDone = true;

  // 5. No tus endpoint (OPTIONS 404): the page sends plain multipart, without pause.
  await page.route(/\/api\/uploads$/, async (route) => {
    if (route.request().method() === "OPTIONS") {
      await route.fulfill({ status: 404, contentType: "application/problem+json", body: '{"status":404,"title":"Not Found"}' });
    } else {
      await route.abort();
    }
  });
  await page.reload();
  await page.locator("#app").waitFor({ state: "visible" });
  result.fallbackNotice = (await page.locator("#limits").textContent()).trim();
  await page.locator("#target-dir").fill(`${opts.dir}/fallback`);
  await page.locator("#file-input").setInputFiles([small]);
  await waitForState(page, `${opts.dir}/fallback/${name}`, ["done"], 60_000);
  result.fallbackPauseHidden = await item(page, `${opts.dir}/fallback/${name}`).getByRole("button", { name: `Pause` }).isHidden();

  // 6. The session ends while the page is open (its cookie gone, as after an idle timeout or a
  //    restart): the next request brings the sign-in form back over the page, and signing in again
  //    lets the page go on.
  await page.unrouteAll();
  await context.clearCookies();
  await page.getByRole("button", { name: "Refresh" }).click();
  await page.locator("#sign-in").waitFor({ state: "visible" });
  result.sessionEndedMessage = (await page.locator("#sign-in-error").textContent()).trim();
  await shot(page, "session-ended");
  await page.locator("#username").fill(opts.user);
  await page.locator("#password").fill(opts.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.locator("#sign-in").waitFor({ state: "hidden" });
  await page.getByRole("button", { name: "Refresh" }).click();
  // the directory browsed all along: the file the test stored there before, and the page's subdirectories
  await page.waitForFunction((p) => [...document.querySelectorAll("#entries tr")].some((r) => r.dataset.path === p), `${opts.dir}/${name}`);
  result.listedAfterSigningInAgain = true;
}

const target = new URL(opts.url);
const relayControl = await relay(target);
const base = `http://127.0.0.1:${relayControl.port}${target.pathname}`;
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync"],
});
const context = await browser.newContext({ viewport: DESKTOP, acceptDownloads: true });
context.setDefaultTimeout(60_000);
const page = await context.newPage();
// File choosers, taken over from the start: Playwright enables the interception when the first listener
// is added, asynchronously, so a listener added right before a key press can miss the dialog.
const chooserWaiters = [];
page.on("filechooser", (chooser) => chooserWaiters.shift()?.(chooser));
function nextChooser(timeout = 30_000) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no file chooser opened within ${timeout} ms`)), timeout);
    chooserWaiters.push((chooser) => {
      clearTimeout(timer);
      resolve(chooser);
    });
  });
}
// Uncaught exceptions of the page's scripts: a bug whatever the scenario. (Console messages about
// failed requests are expected: the 401 of the session check, resets during a cut, refusals.)
const pageErrors = [];
page.on("pageerror", (e) => pageErrors.push(String(e)));
try {
  if (scenario === "upload") {
    await upload(page, base, relayControl);
  } else if (scenario === "browse") {
    await browse(page, base);
  } else if (scenario === "keyboard") {
    await keyboard(page, base);
  } else if (scenario === "controls") {
    await controls(page, base);
  } else {
    throw new Error(`unknown scenario ${scenario}`);
  }
  result.pageErrors = pageErrors;
  console.log(JSON.stringify(result));
} catch (e) {
  await page.screenshot({ path: join(opts.shots, `${scenario}-failed.png`), fullPage: true }).catch(() => {});
  console.error(e);
  console.error(JSON.stringify({ ...result, pageErrors }));
  process.exitCode = 1;
} finally {
  await browser.close();
  relayControl.close();
}
