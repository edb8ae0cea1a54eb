// The upload queue: each file is a tus upload (tus-js-client) that can be paused, resumed and cancelled,
// retries by itself after a network drop and continues from the offset the server kept; when the
// server offers no tus endpoint, a plain multipart POST (or a create-only PUT) without pause or resume.
import { apiUrl, fileUrl, headers, problemOf, signedInAs, sessionEnded, ApiError } from "./api.js";
import * as fmt from "./format.js";

// Waits before each retry of a broken upload. A retry that gets further starts this list again
// (tus-js-client resets its attempt count on progress), so a flaky link never gives up while it moves.
const RETRY_DELAYS = [0, 1000, 3000, 5000, 10000, 15000, 30000, 30000, 60000, 60000, 60000, 60000];
// Statuses worth retrying: no answer at all (0: the network), conflicts the next HEAD resolves (423:
// the server still holds the broken request; 409 only for a wrong offset, not for a path that is a
// directory) and passing server trouble. Any other 4xx is the request's fault.
const RETRYABLE = new Set([0, 408, 423, 429, 500, 502, 503, 504]);
const PARALLEL = 3;

export class Uploads {
  constructor({ queue, limits, onStored, announce }) {
    this.queue = queue;
    this.limits = limits;
    this.onStored = onStored;
    this.announce = announce;
    this.items = [];
    this.transport = "multipart";
    this.maxSize = null;
    // Back online: every upload that gave up on the network goes on by itself.
    window.addEventListener("online", () =>
      this.items.filter((i) => i.state === "error" && i.network).forEach((i) => {
        i.network = false;
        this.setState(i, "waiting", "Waiting");
        this.pump();
      }),
    );
  }

  /** Asks the server what it offers: tus and its largest upload, else the multipart fallback. */
  async discover() {
    try {
      const response = await fetch(apiUrl("uploads"), {
        method: "OPTIONS",
        headers: { ...headers(false), "Tus-Resumable": "1.0.0" },
        credentials: "same-origin",
      });
      const version = response.headers.get("Tus-Version");
      if (response.ok && version && version.split(",").map((v) => v.trim()).includes("1.0.0") && window.tus?.isSupported) {
        this.transport = "tus";
        const max = response.headers.get("Tus-Max-Size");
        this.maxSize = max ? Number(max) : null;
      } else {
        this.transport = "multipart";
      }
    } catch {
      this.transport = "multipart";
    }
    this.limits.textContent =
      (this.transport === "tus"
        ? "Resumable uploads: pause, resume, and automatic retry after a network drop."
        : "Resumable uploads are not available here: files are sent whole, without pause or resume.") +
      (this.maxSize ? ` Largest file: ${fmt.size(this.maxSize)}.` : "");
  }

  /** Queues files ({file, relativePath}) for the directory `target`. */
  add(files, target, createOnly) {
    for (const { file, relativePath } of files) {
      const relative = (relativePath || file.name).split("/").filter((s) => s.length > 0);
      const name = relative.pop() ?? file.name;
      const dir = [...clean(target), ...relative].join("/");
      const item = { file, name, dir, path: dir ? `${dir}/${name}` : name, createOnly, state: "waiting", samples: [] };
      this.items.push(item);
      this.render(item);
      if (this.maxSize != null && file.size > this.maxSize) {
        this.fail(item, `${name} is ${fmt.size(file.size)}, larger than the server accepts (${fmt.size(this.maxSize)}).`, "refused");
      }
    }
    this.pump();
  }

  pump() {
    const running = this.items.filter((i) => i.state === "uploading" || i.state === "retrying").length;
    const next = this.items.filter((i) => i.state === "waiting").slice(0, Math.max(0, PARALLEL - running));
    for (const item of next) {
      if (item.upload) {
        this.setState(item, "uploading", "Resuming…");
        if (!item.upload.url && item.url) {
          // tus-js-client forgets the upload's URL when a HEAD is refused (a 401 after the session
          // ended): put it back, so that the upload goes on instead of starting over.
          item.upload.url = item.url;
        }
        item.upload.start();
        continue;
      }
      this.setState(item, "uploading", "Starting…");
      (this.transport === "tus" ? this.startTus(item) : this.startPlain(item)).catch((e) => this.fail(item, e.message));
    }
  }

  async startTus(item) {
    const metadata = { filename: item.name };
    if (item.dir) {
      metadata.dir = item.dir;
    }
    if (item.file.type) {
      metadata.filetype = item.file.type;
    }
    if (item.createOnly) {
      metadata.ifNoneMatch = "*";
    }
    item.upload = new window.tus.Upload(item.file, {
      endpoint: apiUrl("uploads"),
      retryDelays: RETRY_DELAYS,
      metadata,
      // The current session's CSRF token on every request, also after signing in again mid-upload.
      onBeforeRequest: (request) => {
        for (const [name, value] of Object.entries(headers(true))) {
          request.setHeader(name, value);
        }
      },
      onUploadUrlAvailable: () => {
        item.url = item.upload.url;
      },
      // The default fingerprint is the file alone: the same file sent to another directory would
      // resume the first upload and land at its path. Depot's names the target and the user too.
      fingerprint: (file) =>
        Promise.resolve(["depot", signedInAs(), item.path, item.createOnly ? "create-only" : "replace", file.size, file.lastModified].join("|")),
      removeFingerprintOnSuccess: true,
      onProgress: (sent, total) => this.progress(item, sent, total),
      onShouldRetry: (error) => {
        if (item.state === "paused") {
          return false;
        }
        const response = error.originalResponse;
        const status = response ? response.getStatus() : 0;
        const retry = RETRYABLE.has(status) || (status === 409 && problemCode(response) === "UPLOAD_OFFSET_MISMATCH");
        // A cancel's DELETE is retried too (423 while the server still holds the broken request),
        // without showing the cancelled upload as running again.
        if (retry && (item.state === "uploading" || item.state === "retrying")) {
          this.setState(item, "retrying", "Connection lost: retrying from the last byte the server kept…");
        }
        return retry;
      },
      onSuccess: ({ lastResponse }) => this.done(item, shaFromEtag(lastResponse?.getHeader("ETag"))),
      onError: (error) => this.tusFailed(item, error),
    });
    const previous = await item.upload.findPreviousUploads();
    if (previous.length > 0) {
      item.upload.resumeFromPreviousUpload(previous[0]);
    }
    item.upload.start();
  }

  tusFailed(item, error) {
    if (item.state === "paused" || item.state === "cancelled") {
      return;
    }
    const response = error.originalResponse;
    if (!response && !error.originalRequest) {
      this.fail(item, error.message || "The upload failed in the browser.");
      return;
    }
    if (!response) {
      item.network = true;
      this.fail(item, "The network is down: the upload goes on by itself when it is back, or choose Resume.");
      return;
    }
    if (response.getStatus() === 401) {
      sessionEnded();
      this.fail(item, "Your session ended. Sign in again, then choose Retry: the upload goes on where it stopped.");
      return;
    }
    let detail = null;
    try {
      detail = JSON.parse(response.getBody()).detail;
    } catch {
      // not a problem document
    }
    this.fail(item, detail || `The server answered ${response.getStatus()}.`);
  }

  startPlain(item) {
    return new Promise((resolve) => {
      const xhr = new XMLHttpRequest();
      item.xhr = xhr;
      let body;
      if (item.createOnly) {
        // Multipart has no create-only condition; a PUT has (If-None-Match: *).
        xhr.open("PUT", fileUrl(item.path));
        xhr.setRequestHeader("If-None-Match", "*");
        xhr.setRequestHeader("Content-Type", item.file.type || "application/octet-stream");
        body = item.file;
      } else {
        xhr.open("POST", apiUrl("files"));
        body = new FormData();
        body.append("dir", item.dir);
        body.append("file", item.file, item.name);
      }
      for (const [name, value] of Object.entries(headers(true))) {
        xhr.setRequestHeader(name, value);
      }
      xhr.upload.onprogress = (e) => this.progress(item, Math.min(e.loaded, item.file.size), item.file.size);
      xhr.onload = async () => {
        const response = new Response(xhr.responseText, { status: xhr.status, headers: { "Content-Type": "application/json" } });
        if (xhr.status === 401) {
          sessionEnded();
        }
        if (xhr.status === 200 || xhr.status === 201) {
          const json = await response.json();
          this.done(item, json.sha256 ?? json.files?.[0]?.sha256 ?? null);
        } else {
          this.fail(item, (await problemOf(response)).message);
        }
        resolve();
      };
      xhr.onerror = () => {
        this.fail(item, "The connection broke. Choose Retry to send the file again.");
        resolve();
      };
      xhr.onabort = () => resolve();
      xhr.send(body);
    });
  }

  pause(item) {
    if (item.upload && (item.state === "uploading" || item.state === "retrying")) {
      this.setState(item, "paused", "Paused");
      item.upload.abort();
      item.ui.resume.focus(); // the Pause button just hid itself
      this.pump();
    }
  }

  resume(item) {
    if (item.state === "paused" || item.state === "error") {
      item.network = false;
      this.setState(item, "waiting", "Waiting");
      this.pump();
      if (!item.ui.pause.hidden) {
        item.ui.pause.focus(); // the Resume button just hid itself
      } else {
        item.ui.li.focus();
      }
    }
  }

  async cancel(item) {
    const wasRunning = item.state !== "done";
    this.setState(item, "cancelled", "Cancelled");
    item.ui.li.focus(); // the Cancel button just hid itself
    item.xhr?.abort();
    this.pump();
    if (item.upload && wasRunning) {
      // abort(true) also ends the upload on the server (tus termination), freeing its space; it is
      // retried while the server still holds the broken request (423).
      await item.upload.abort(true).catch(() => {});
      this.setState(item, "cancelled", "Cancelled");
    }
  }

  progress(item, sent, total) {
    if (item.state === "retrying") {
      this.setState(item, "uploading", "Uploading");
    }
    const now = performance.now();
    item.samples.push([now, sent]);
    while (item.samples.length > 2 && now - item.samples[0][0] > 3000) {
      item.samples.shift();
    }
    const [t0, b0] = item.samples[0];
    const rate = now > t0 ? ((sent - b0) * 1000) / (now - t0) : 0;
    const percent = total > 0 ? Math.floor((sent * 100) / total) : 0;
    const ui = item.ui;
    ui.bar.value = percent;
    ui.percent.textContent = `${percent}%`;
    ui.bytes.textContent = `${fmt.size(sent)} of ${fmt.size(total)}`;
    ui.rate.textContent = fmt.speed(rate);
    ui.eta.textContent = rate > 0 ? `${fmt.duration((total - sent) / rate)} left` : "";
  }

  done(item, sha256) {
    item.sha256 = sha256;
    const ui = item.ui;
    ui.bar.value = 100;
    ui.percent.textContent = "100%";
    ui.bytes.textContent = fmt.size(item.file.size);
    ui.rate.textContent = "";
    ui.eta.textContent = "";
    ui.sha.textContent = sha256 ? `SHA-256 ${sha256}` : "";
    this.setState(item, "done", "Done");
    this.announce(`${item.path} is stored.`);
    this.onStored(item);
    this.pump();
  }

  fail(item, message, state = "error") {
    item.ui.error.textContent = message; // announced by the item's role=alert
    this.setState(item, state, state === "refused" ? "Refused" : "Failed");
    this.pump();
  }

  setState(item, state, label) {
    item.state = state;
    const ui = item.ui;
    ui.li.dataset.state = state;
    ui.state.textContent = label;
    if (state === "uploading" || state === "retrying" || state === "waiting") {
      ui.error.textContent = "";
    }
    if (state !== "uploading") {
      ui.rate.textContent = ""; // no speed or time left while nothing moves
      ui.eta.textContent = "";
      item.samples = [];
    }
    const resumable = this.transport === "tus";
    ui.pause.hidden = !(resumable && (state === "uploading" || state === "retrying"));
    ui.resume.hidden = !(state === "paused" || state === "error");
    ui.resume.textContent = state === "error" ? "Retry" : "Resume";
    ui.resume.setAttribute("aria-label", `${ui.resume.textContent} ${item.path}`);
    ui.cancel.hidden = ["done", "cancelled", "refused"].includes(state);
  }

  render(item) {
    const li = el("li", { class: "item", tabindex: "-1" });
    li.dataset.path = item.path;
    const name = el("div", { class: "item-name" }, item.path);
    const bar = el("progress", { max: "100", value: "0", "aria-label": `Upload of ${item.path}` });
    const percent = el("span", { class: "percent" }, "0%");
    const bytes = el("span", { class: "bytes" });
    const rate = el("span", { class: "rate" });
    const eta = el("span", { class: "eta" });
    const state = el("span", { class: "state" }, "Waiting");
    const sha = el("div", { class: "sha mono" });
    const error = el("div", { class: "error", role: "alert" });
    const pause = button("Pause", `Pause ${item.path}`, () => this.pause(item));
    const resume = button("Resume", `Resume ${item.path}`, () => this.resume(item));
    const cancel = button("Cancel", `Cancel ${item.path}`, () => this.cancel(item));
    li.append(name, bar, el("div", { class: "numbers" }, percent, bytes, rate, eta, state), sha, error, el("div", { class: "item-actions" }, pause, resume, cancel));
    item.ui = { li, bar, percent, bytes, rate, eta, state, sha, error, pause, resume, cancel };
    this.queue.append(li);
    this.setState(item, "waiting", "Waiting");
  }
}

/** Files from a drop, folders walked for their files with paths relative to what was dropped. */
export async function filesFromDrop(dataTransfer) {
  // Entries must be taken before the first await: the DataTransfer is emptied after the event.
  const entries = [...dataTransfer.items].map((i) => (i.kind === "file" ? i.webkitGetAsEntry?.() : null)).filter(Boolean);
  const plain = [...dataTransfer.files];
  if (entries.length === 0) {
    return plain.map((file) => ({ file, relativePath: file.name }));
  }
  const out = [];
  for (const entry of entries) {
    await walk(entry, "", out);
  }
  return out;
}

async function walk(entry, prefix, out) {
  if (entry.isFile) {
    const file = await new Promise((resolve, reject) => entry.file(resolve, reject));
    out.push({ file, relativePath: prefix + entry.name });
  } else if (entry.isDirectory) {
    const reader = entry.createReader();
    for (;;) {
      const batch = await new Promise((resolve, reject) => reader.readEntries(resolve, reject));
      if (batch.length === 0) {
        break;
      }
      for (const child of batch) {
        await walk(child, `${prefix}${entry.name}/`, out);
      }
    }
  }
}

export function clean(dir) {
  return (dir || "").split("/").map((s) => s.trim()).filter((s) => s.length > 0);
}

function problemCode(response) {
  try {
    return JSON.parse(response.getBody()).code;
  } catch {
    return null;
  }
}

function shaFromEtag(etag) {
  const m = /^"([0-9a-f]{64})"$/.exec(etag || "");
  return m ? m[1] : null;
}

export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    node.setAttribute(name, value);
  }
  node.append(...children);
  return node;
}

export function button(label, ariaLabel, onClick) {
  const b = el("button", { type: "button", "aria-label": ariaLabel }, label);
  b.addEventListener("click", onClick);
  return b;
}

export { ApiError };
