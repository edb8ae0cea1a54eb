// The tus peer of bench/run.sh: what Depot's tus endpoint (/depot/api/uploads) is measured against, as
// nginx's WebDAV PUT is for Depot's PUT. @tus/server with its FileStore (tus's own Node server), on
// loopback, with no authentication, no digest and no fsync: the floor for a tus server keeping files on disk.
//   node peer-server.mjs PORT DIR [PATH]      PATH defaults to /files
// An upload is stored as DIR/<id>, <id> being the last segment of its upload URL, beside DIR/<id>.json
// (FileStore's record of size, offset and metadata). No concatenation: @tus/server 2.4.5 answers 501
// to Upload-Concat, so parallel uploads (tus-js-client's parallelUploads) can be measured on Depot only.
//
// How bench/run.sh uses it. It builds with -DskipTests, which skips src/test/node's npm ci, hence this
// folder's own lock file (the same tus-js-client version as the tests):
//   1. Install into the work folder, so the repository tree gets no node_modules, with the tests'
//      driver beside it so that it resolves tus-js-client from this lock file:
//        mkdir -p "$WORK/tus" && cp "$HERE"/tus/package.json "$HERE"/tus/package-lock.json \
//          "$HERE"/tus/peer-server.mjs "$ROOT"/src/test/node/tus-client.mjs "$WORK/tus/"
//        npm ci --prefix "$WORK/tus" --no-audit --no-fund
//   2. Start it like nginx, on loopback: node "$WORK/tus/peer-server.mjs" "$TUS_PORT" "$WORK/tus-root" &
//      (TUS_PORT defaults to 19083, next to the sink). Started once it printed its "listening" line and
//      OPTIONS http://127.0.0.1:$TUS_PORT/files answers 204 with a Tus-Version header.
//   3. Targets "tus" (this peer) and "SERVER:tus" (Depot), each one upload through the same client:
//        node "$WORK/tus/tus-client.mjs" upload --endpoint http://127.0.0.1:$TUS_PORT/files/ (or
//          "${BASE[$srv]}/uploads/") --user U --password P --file FILE --dir bench [--chunk-size BYTES]
//      The same chunk size for both (the client's default is 50 MiB); Node's start-up is in both times.
//      Its JSON line's "url" names the stored file, "$WORK/tus-root/${url##*/}", which run.sh hashes
//      (and fsyncs in fsync mode) afterwards, as it does for nginx; Depot's SHA-256 is in Repr-Digest.
//   4. settle() deletes DIR/<id> and DIR/<id>.json; the peer is ended by its PID with the others.
import { FileStore } from "@tus/file-store";
import { Server } from "@tus/server";

const [port, directory, path = "/files"] = process.argv.slice(2);
if (!/^\d+$/.test(port ?? "") || !directory) {
  console.error("usage: node peer-server.mjs PORT DIR [PATH]");
  process.exit(2);
}

const server = new Server({ path, datastore: new FileStore({ directory }) });
server.listen(Number(port), "127.0.0.1", () => {
  console.log(`tus peer listening on http://127.0.0.1:${port}${path}, storing in ${directory}`);
});
