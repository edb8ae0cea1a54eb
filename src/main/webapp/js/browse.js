// Browsing: one directory level at a time (GET /api/files?delimiter=/), a page at a time by cursor
// (never the whole listing), with details, download, share and delete for each file. The directory
// is in the address (#/a/b/), so Back, reload and bookmarks work.
import { call, fileUrl, encodePath, signedInAs, ApiError } from "./api.js";
import { el, button } from "./uploads.js";
import * as fmt from "./format.js";

export const PAGE_SIZE = 50;

export class Browser {
  constructor({ announce, onDirectory }) {
    this.announce = announce;
    this.onDirectory = onDirectory;
    this.dir = "";
    this.cursors = [null]; // the cursor of each page seen so far in this directory; the last is the current one
    this.current = null;
    this.entries = byId("entries");
    byId("next-page").addEventListener("click", () => this.nextPage());
    byId("prev-page").addEventListener("click", () => this.previousPage());
    byId("refresh").addEventListener("click", () => this.load());
    byId("close-details").addEventListener("click", () => this.closeDetails());
    byId("copy-curl").addEventListener("click", () => copy(byId("detail-curl").value, this.announce));
    byId("copy-share").addEventListener("click", () => copy(byId("share-url").value, this.announce));
    byId("share").addEventListener("click", () => this.share());
    this.ticket = 0;
    window.addEventListener("hashchange", async () => {
      await this.open(dirFromHash());
      byId("browse-title").focus(); // the link that was followed is gone
    });
  }

  start() {
    return this.open(dirFromHash());
  }

  async open(dir) {
    this.dir = dir;
    this.cursors = [null];
    this.onDirectory(dir);
    this.crumbs();
    await this.load();
  }

  async nextPage() {
    if (this.next) {
      this.cursors.push(this.next);
      await this.load();
      byId("browse-title").focus?.();
    }
  }

  async previousPage() {
    if (this.cursors.length > 1) {
      this.cursors.pop();
      await this.load();
    }
  }

  /** Shows the current page of the current directory again (after an upload or a delete, too). */
  async load() {
    const ticket = ++this.ticket; // only the latest request renders (a slow answer for another directory is dropped)
    const cursor = this.cursors[this.cursors.length - 1];
    const query = new URLSearchParams({ prefix: this.dir ? `${this.dir}/` : "", delimiter: "/", limit: String(PAGE_SIZE) });
    if (cursor) {
      query.set("cursor", cursor);
    }
    let page;
    try {
      page = await (await call("GET", `files?${query}`)).json();
    } catch (e) {
      if (ticket !== this.ticket) {
        return;
      }
      if (e instanceof ApiError && e.code === "INVALID_PARAMETER" && cursor) {
        this.cursors = [null]; // a cursor from before a restart: start the directory again
        return this.load();
      }
      this.entries.replaceChildren();
      this.next = null;
      this.announce(e.message);
      return;
    }
    if (ticket !== this.ticket) {
      return;
    }
    this.next = page.next;
    this.render(page);
  }

  render(page) {
    const rows = [];
    const prefixLength = this.dir ? this.dir.length + 1 : 0;
    for (const directory of page.directories) {
      const name = directory.slice(prefixLength, -1);
      const link = el("a", { href: hashOf(directory.slice(0, -1)), class: "dir" }, `${name}/`);
      rows.push(el("tr", { "data-dir": directory }, el("td", {}, link), el("td"), el("td"), el("td", {}, "directory"), el("td")));
    }
    for (const file of page.items) {
      const name = file.path.slice(prefixLength);
      const download = el("a", { href: fileUrl(file.path), download: name, "aria-label": `Download ${name}` }, "Download");
      const details = button("Details", `Details of ${name}`, () => this.details(file.path));
      const remove = button("Delete", `Delete ${name}`, () => this.confirmDelete(file.path));
      remove.classList.add("danger");
      rows.push(
        el(
          "tr",
          { "data-path": file.path },
          el("td", { class: "name" }, name),
          el("td", { "data-label": "Size" }, fmt.size(file.size)),
          el("td", { "data-label": "Modified" }, el("time", { datetime: file.modified }, fmt.date(file.modified))),
          el("td", { "data-label": "Type" }, file.contentType ?? ""),
          el("td", { class: "actions" }, download, details, remove),
        ),
      );
    }
    // A re-render (after an upload into this directory, say) keeps the keyboard where it was.
    const focused = this.entries.contains(document.activeElement) ? document.activeElement.getAttribute("aria-label") : null;
    this.entries.replaceChildren(...rows);
    if (focused) {
      const again = [...this.entries.querySelectorAll("[aria-label]")].find((e) => e.getAttribute("aria-label") === focused);
      (again ?? byId("browse-title")).focus();
    }
    byId("empty").hidden = rows.length > 0 || this.cursors.length > 1 || Boolean(this.next);
    for (const [id, disabled] of [["prev-page", this.cursors.length <= 1], ["next-page", !this.next]]) {
      const b = byId(id);
      if (disabled && document.activeElement === b) {
        byId("browse-title").focus(); // a disabled button drops focus to the page's start
      }
      b.disabled = disabled;
    }
    byId("page-info").textContent = `Page ${this.cursors.length}`;
    byId("listing-caption").textContent = `Files in ${this.dir ? this.dir + "/" : "the top directory"}, page ${this.cursors.length}`;
  }

  crumbs() {
    const nav = byId("crumbs");
    const parts = this.dir ? this.dir.split("/") : [];
    const list = el("ol");
    list.append(el("li", {}, el("a", { href: "#/", ...(parts.length === 0 ? { "aria-current": "page" } : {}) }, "Top")));
    parts.forEach((part, i) => {
      const attributes = { href: hashOf(parts.slice(0, i + 1).join("/")) };
      if (i === parts.length - 1) {
        attributes["aria-current"] = "page";
      }
      list.append(el("li", {}, el("a", attributes, part)));
    });
    nav.replaceChildren(list);
  }

  async details(path) {
    let file;
    let digest = "";
    try {
      file = await (await call("GET", `metadata/${encodePath(path)}`)).json();
      const head = await fetch(fileUrl(path), { method: "HEAD", credentials: "same-origin", headers: { "X-Requested-With": "XMLHttpRequest" } });
      digest = head.headers.get("Repr-Digest") ?? "";
    } catch (e) {
      this.announce(e.message);
      return;
    }
    byId("detail-path").textContent = file.path;
    byId("detail-size").textContent = `${fmt.size(file.size)} (${file.size.toLocaleString()} bytes)`;
    byId("detail-type").textContent = file.contentType ?? "";
    byId("detail-modified").textContent = fmt.date(file.modified);
    byId("detail-sha256").textContent = file.sha256;
    byId("detail-repr-digest").textContent = digest;
    byId("detail-created-by").textContent = file.createdBy ?? "";
    byId("detail-modified-by").textContent = file.modifiedBy ?? "";
    byId("detail-curl").value = `curl -u ${fmt.shellQuote(signedInAs() ?? "USER")} -O -J ${fmt.shellQuote(fileUrl(path))}`;
    byId("share-result").hidden = true;
    byId("share-url").value = "";
    const panel = byId("details");
    panel.dataset.path = file.path;
    panel.hidden = false;
    byId("details-title").focus();
  }

  closeDetails() {
    const panel = byId("details");
    const path = panel.dataset.path;
    panel.hidden = true;
    // Focus goes back where it came from: the file's Details button, if it is still listed.
    const row = [...this.entries.querySelectorAll("tr")].find((r) => r.dataset.path === path);
    (row?.querySelector("button") ?? byId("browse-title")).focus();
  }

  async share() {
    const path = byId("details").dataset.path;
    try {
      const expiresIn = Number(byId("share-expiry").value);
      const link = await (await call("POST", "links", { json: { path, method: "GET", expiresIn }, expect: [200, 201] })).json();
      byId("share-url").value = link.url;
      byId("share-result").hidden = false;
      byId("share-url").focus();
      byId("share-url").select();
      this.announce(`A share link for ${path} is ready; it expires ${fmt.date(link.expires)}.`);
    } catch (e) {
      this.announce(e.message);
    }
  }

  confirmDelete(path) {
    const dialog = byId("confirm-delete");
    byId("confirm-text").textContent = `${path} will be deleted. This cannot be undone.`;
    dialog.returnValue = "";
    dialog.addEventListener(
      "close",
      async () => {
        if (dialog.returnValue !== "delete") {
          return;
        }
        try {
          await call("DELETE", `files/${encodePath(path)}`, { expect: [204] });
          this.announce(`${path} is deleted.`);
          if (byId("details").dataset.path === path) {
            byId("details").hidden = true;
          }
          await this.load();
          byId("browse-title").focus();
        } catch (e) {
          this.announce(e.message);
        }
      },
      { once: true },
    );
    dialog.showModal();
  }
}

function byId(id) {
  return document.getElementById(id);
}

/** The directory in the address: #/a/b/ (each segment percent-encoded). */
function dirFromHash() {
  const raw = location.hash.startsWith("#/") ? location.hash.slice(2) : "";
  try {
    return raw.split("/").filter((s) => s.length > 0).map(decodeURIComponent).join("/");
  } catch {
    return "";
  }
}

function hashOf(dir) {
  return dir ? `#/${encodePath(dir)}/` : "#/";
}

async function copy(text, announce) {
  try {
    await navigator.clipboard.writeText(text);
    announce("Copied.");
  } catch {
    announce("Copying is not allowed here: select the text and copy it.");
  }
}
