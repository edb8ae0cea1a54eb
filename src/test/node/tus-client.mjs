// Drives Depot's tus endpoint with tus-js-client, the client most web and Node apps use, so the
// integration tests see the requests a real client sends (chunking, resume through a URL storage,
// concatenation, deferred length), not only the ones we write by hand. Run by the Java ITs:
//   node tus-client.mjs <upload|resume|parallel|deferred> --endpoint URL --user U --password P
//        --file PATH [--dir DIR] [--chunk-size BYTES (default 50 MiB)] [--state DIR (resume only)]
// Success: one JSON line on stdout, {"scenario","url","size","bytesSent","abortedAt"}, exit 0. bytesSent
// counts request-body bytes handed to the socket over all attempts and retries; abortedAt (resume only,
// else null) is the file offset the first attempt had sent when it was aborted.
// Failure: the error on stderr (tus-js-client's message names method, URL, HTTP status and body), exit 1.
import { createReadStream, mkdirSync, statSync } from "node:fs";
import path from "node:path";
import { PassThrough, Readable, Transform, pipeline } from "node:stream";
import { parseArgs } from "node:util";
import { DefaultHttpStack, FileUrlStorage, Upload } from "tus-js-client";

/**
 * Counts request-body bytes as they go to the socket, retries and both resume attempts included, and
 * tells onBytes the file offset reached. Not onProgress: in Node it is throttled to one call per
 * 100 ms with no trailing call (tus-js-client lib/node/httpStack.js), so on loopback it fires almost
 * only at chunk boundaries, and an abort driven by it would never cut a PATCH body in the middle,
 * the case resuming must survive.
 */
class CountingHttpStack extends DefaultHttpStack {
  sent = 0;
  onBytes = () => {};

  createRequest(method, url) {
    const req = super.createRequest(method, url);
    const send = req.send.bind(req);
    req.send = (body) => {
      if (!(body instanceof Readable)) {
        this.sent += body?.length ?? 0; // a Buffer (stream input): handed over whole
        return send(body);
      }
      let offset = Number(req.getHeader("Upload-Offset") ?? 0);
      const counted = new Transform({
        transform: (chunk, _encoding, done) => {
          this.sent += chunk.length;
          offset += chunk.length;
          this.onBytes(offset);
          done(null, chunk);
        },
      });
      counted.size = body.size; // tus-js-client sets Content-Length from it
      return send(pipeline(body, counted, () => {}));
    };
    return req;
  }
}

let scenario = process.argv[2];
let opt;
const stack = new CountingHttpStack();

/** Starts an upload; resolves with it on success. prepare(upload) runs first (resume uses it). */
function transfer(input, options = {}, prepare = async () => {}) {
  return new Promise((resolve, reject) => {
    const done = { onSuccess: () => resolve(upload), onError: reject };
    const upload = new Upload(input, { ...common(), ...options, ...done });
    prepare(upload).then(() => upload.start(), reject);
  });
}

function common() {
  const auth = Buffer.from(`${opt.user}:${opt.password}`).toString("base64");
  return {
    endpoint: opt.endpoint,
    chunkSize: chunkSize(),
    retryDelays: [0, 500, 1000, 2000],
    // Depot authenticates every request, HEAD and PATCH too; tus-js-client sends these headers on all.
    headers: opt.user == null ? {} : { Authorization: `Basic ${auth}` },
    metadata: { filename: path.basename(opt.file), ...(opt.dir == null ? {} : { dir: opt.dir }) },
    httpStack: stack,
  };
}

function chunkSize() {
  const n = Number(opt["chunk-size"] ?? 50 * 1024 * 1024);
  if (!Number.isSafeInteger(n) || n <= 0) {
    throw new Error(`--chunk-size must be a positive integer: ${opt["chunk-size"]}`);
  }
  return n;
}

// tus-js-client 4.3.1 in Node reads files only as fs.ReadStream (a path string is rejected): it
// reopens the file by path for each chunk, so any offset can be re-sent and the size is known.
const scenarios = {
  upload: async () => ({ url: (await transfer(createReadStream(opt.file))).url, abortedAt: null }),

  parallel: async () => ({
    url: (await transfer(createReadStream(opt.file), { parallelUploads: 4 })).url,
    abortedAt: null,
  }),

  // A plain stream, not an fs.ReadStream: tus-js-client then cannot know the size (as with a pipe or
  // a generator) and must declare it in the last PATCH. An fs.ReadStream would take the file path.
  // tus-js-client 4.3.1 never sends the last PATCH when such a stream's size is a multiple of the
  // chunk size (an exact last read does not end the stream, tus/tus-js-client#779, open): refused here.
  deferred: async () => {
    if (statSync(opt.file).size % chunkSize() === 0) {
      throw new Error("deferred: the file size must not be a multiple of --chunk-size (tus-js-client#779)");
    }
    const input = pipeline(createReadStream(opt.file), new PassThrough(), () => {});
    return { url: (await transfer(input, { uploadLengthDeferred: true })).url, abortedAt: null };
  },

  // Abort at a random point (mid-PATCH as a rule), then resume in a new Upload that knows only what
  // FileUrlStorage kept on disk, as after a crash or a restart of the client.
  resume: async () => {
    if (opt.state == null) throw new Error("resume needs --state DIR");
    mkdirSync(opt.state, { recursive: true });
    const urlStorage = new FileUrlStorage(path.join(opt.state, "tus-url-storage.json"));
    const size = statSync(opt.file).size;
    const cut = Math.floor(size * (0.2 + 0.6 * Math.random()));
    let first;
    const abortedAt = await new Promise((resolve, reject) => {
      stack.onBytes = (offset) => {
        if (offset < cut) return;
        stack.onBytes = () => {};
        first.abort().then(() => resolve(offset), reject);
      };
      first = new Upload(createReadStream(opt.file), {
        ...common(),
        urlStorage,
        onSuccess: () => reject(new Error(`the upload finished before the abort at ${cut} bytes`)),
        onError: reject,
      });
      first.start();
    });
    let previous;
    const second = await transfer(createReadStream(opt.file), { urlStorage }, async (upload) => {
      [previous] = await upload.findPreviousUploads();
      if (previous == null) throw new Error(`no previous upload in ${opt.state}`);
      // Entries are in creation order: an older one first means --state was not fresh.
      if (previous.uploadUrl !== first.url) {
        throw new Error(`url storage offers ${previous.uploadUrl}, not the aborted ${first.url}: fresh --state?`);
      }
      upload.resumeFromPreviousUpload(previous);
    });
    // Awaited, not removeFingerprintOnSuccess: that one is not, and the next run would find it.
    await urlStorage.removeUpload(previous.urlStorageKey);
    return { url: second.url, abortedAt };
  },
};

// Should tus-js-client stop with nothing left to wait for (as in #779), Node would exit 0 silently.
let finished = false;
process.on("exit", () => {
  if (finished) return;
  console.error(`tus-client ${scenario}: stopped before the upload finished (tus-js-client waits on nothing)`);
  process.exitCode = 1;
});

try {
  const args = parseArgs({
    allowPositionals: true,
    options: Object.fromEntries(
      ["endpoint", "user", "password", "file", "dir", "chunk-size", "state"].map((o) => [o, { type: "string" }]),
    ),
  });
  [scenario] = args.positionals;
  opt = args.values;
  if (!Object.hasOwn(scenarios, scenario ?? "")) {
    throw new Error(`the scenario must be one of ${Object.keys(scenarios)}: ${scenario}`);
  }
  for (const o of ["endpoint", "file"]) if (opt[o] == null) throw new Error(`--${o} is required`);
  const size = statSync(opt.file).size;
  const { url, abortedAt } = await scenarios[scenario]();
  console.log(JSON.stringify({ scenario, url, size, bytesSent: stack.sent, abortedAt }));
  finished = true;
} catch (err) {
  // The message is enough: a DetailedError's names the request and the answer (status, body).
  console.error(`tus-client ${scenario}: ${err instanceof Error ? err.message : err}`);
  finished = true;
  process.exitCode = 1;
}
