package dev.depot.storage.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depot.it.Digests;
import dev.depot.it.Users;
import dev.depot.it.ItDirs;
import dev.depot.it.RandomBytes;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code kill -9} in the middle of uploads, then a restart: the store must come back consistent. Not
 * an Arquillian test — Arquillian owns the server's life, and this test must kill it itself — so it
 * starts the same Payara Micro with the same depot.war and settings on its own port.
 */
class CrashRecoveryIT {

  private static final Pattern RECOVERY =
      Pattern.compile("Depot recovery \\(repair\\): swept (\\d+) stale temp files, adopted (\\d+) files without rows,"
          + " refreshed (\\d+) rows older than their files, dropped (\\d+) rows without files");

  private Path dir = ItDirs.base().resolve("crash");
  private Path results = dir.resolve("results");
  private Path temp = results.resolve(".depot-tmp");
  private int port = Integer.getInteger("depot.it.port", 18080) + 7;
  private URI server = URI.create("http://127.0.0.1:" + port + "/");
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private Process process;

  @AfterEach
  void stop() throws InterruptedException {
    if (process != null && process.isAlive()) {
      process.destroy();
      process.waitFor(60, TimeUnit.SECONDS);
      process.destroyForcibly();
    }
  }

  @Test
  void killMinus9DuringUploadsThenRestartLeavesAConsistentStore() throws Exception {
    Files.createDirectories(results);
    start("first");
    Map<String, String> complete = new TreeMap<>();
    for (int i = 0; i < 5; i++) {
      byte[] body = RandomBytes.of(i, 500_000 + i);
      assertEquals(201, put("done/file-" + i + ".bin", body));
      complete.put("done/file-" + i + ".bin", Digests.sha256(body));
    }
    // A resumable (tus) upload with its first MiB committed (issue 14): it must survive the crash.
    byte[] resumable = RandomBytes.of(77, 3 << 20);
    URI tus = createTus(resumable.length, "resumable.bin");
    assertEquals(204, patchTus(tus, 0, java.util.Arrays.copyOfRange(resumable, 0, 1 << 20)));
    // Payara's embedded H2 writes committed transactions to its file up to a second later; give it
    // that, so the rows above are on disk when the JVM dies (PostgreSQL has no such window).
    Thread.sleep(2000);

    List<Socket> inFlight = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      inFlight.add(startSlowUpload("inflight/upload-" + i + ".bin"));
    }
    // ... and its second PATCH in flight when the JVM dies: 1 MiB of 2 sent.
    inFlight.add(startSlowPatch(tus, 1 << 20, java.util.Arrays.copyOfRange(resumable, 1 << 20, 2 << 20), 2 << 20));
    awaitTempFiles(6);
    List<String> stagedAtCrash = list(temp);

    process.destroyForcibly(); // SIGKILL: no shutdown hooks, no cleanup
    assertTrue(process.waitFor(30, TimeUnit.SECONDS));
    for (Socket s : inFlight) {
      s.close();
    }

    // The two other windows a crash can hit, planted by hand: a file renamed into place whose row was
    // never committed, and a row whose file was lost.
    Files.createDirectories(results.resolve("planted"));
    Files.writeString(results.resolve("planted/orphan.txt"), "renamed into place, row never committed");
    Files.delete(results.resolve("done/file-4.bin"));
    complete.remove("done/file-4.bin");

    String log = start("second");
    List<String> reports = awaitRecovery(log);
    System.out.println("kill -9 with " + stagedAtCrash.size() + " uploads staged " + stagedAtCrash + "; after restart: " + reports);
    assertEquals(List.of(), list(temp), "every staged file of the killed uploads swept");

    Map<String, String[]> rows = rows();
    assertTrue(rows.containsKey("planted/orphan.txt"), "the orphan file adopted");
    assertTrue(!rows.containsKey("done/file-4.bin"), "the row without a file dropped");
    Map<String, Path> files = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(results)) {
      walk.filter(Files::isRegularFile).filter(p -> !p.startsWith(temp))
          .filter(p -> !results.relativize(p).toString().startsWith(".depot-")).forEach(p -> files.put(results.relativize(p).toString(), p));
    }
    assertEquals(files.keySet(), rows.keySet(), "every file has a row and every row a file");
    for (Map.Entry<String, Path> f : files.entrySet()) {
      assertEquals(Digests.sha256(f.getValue()), rows.get(f.getKey())[1], "row digest of " + f.getKey());
      assertEquals(Files.size(f.getValue()), Long.parseLong(rows.get(f.getKey())[0]), "row size of " + f.getKey());
    }
    for (Map.Entry<String, String> c : complete.entrySet()) {
      assertEquals(c.getValue(), Digests.sha256(results.resolve(c.getKey())), "completed upload intact: " + c.getKey());
    }
    assertTrue(files.keySet().stream().noneMatch(k -> k.startsWith("inflight/")), "no partial file of a killed upload");
    assertEquals(201, put("after/restart.txt", "serving".getBytes(StandardCharsets.UTF_8)));

    // The resumable upload: its offset is no more than what is durably on disk, and it completes from
    // there with the right SHA-256 (its running digest rebuilt from the received bytes after the restart).
    HttpResponse<String> head = http.send(tusRequest(tus).method("HEAD", HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, head.statusCode(), head.body());
    long offset = Long.parseLong(head.headers().firstValue("Upload-Offset").orElseThrow());
    Path partial = temp.resolve(".depot-resumable").resolve(tus.getPath().substring(tus.getPath().lastIndexOf('/') + 1) + ".part");
    assertTrue(offset <= Files.size(partial), "offset " + offset + " within the durable bytes " + Files.size(partial));
    assertEquals(1 << 20, offset, "the committed first MiB survived; the killed PATCH committed nothing");
    assertEquals(204, patchTusAfterCrash(tus, offset, java.util.Arrays.copyOfRange(resumable, (int) offset, resumable.length)));
    assertEquals(Digests.sha256(resumable), Digests.sha256(results.resolve("resumable/resumable.bin")));
    assertEquals(Digests.sha256(resumable), rows().get("resumable/resumable.bin")[1]);
  }

  private HttpRequest.Builder tusRequest(URI upload) {
    return signedIn(upload).header("Tus-Resumable", "1.0.0");
  }

  private URI createTus(long length, String name) throws IOException, InterruptedException {
    String metadata = "filename " + java.util.Base64.getEncoder().encodeToString(name.getBytes(StandardCharsets.UTF_8)) + ",dir "
        + java.util.Base64.getEncoder().encodeToString("resumable".getBytes(StandardCharsets.UTF_8));
    HttpResponse<String> created = http.send(tusRequest(server.resolve("depot/api/uploads")).header("Upload-Length", String.valueOf(length))
        .header("Upload-Metadata", metadata).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(201, created.statusCode(), created.body());
    return server.resolve(created.headers().firstValue("Location").orElseThrow());
  }

  /**
   * The killed PATCH's claim on the upload (issue 16) outlives the crash until its lease runs out
   * (UploadClaim.LEASE, 30 s): until then the upload answers 423, which tus clients retry, as this
   * does. {@code Expect: 100-continue}, so that the 423 comes back as an answer before the body is sent.
   */
  private int patchTusAfterCrash(URI upload, long offset, byte[] chunk) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    int status;
    do {
      status = http.send(tusRequest(upload).version(HttpClient.Version.HTTP_1_1).expectContinue(true).header("Upload-Offset", String.valueOf(offset))
          .header("Content-Type", "application/offset+octet-stream").method("PATCH", HttpRequest.BodyPublishers.ofByteArray(chunk)).build(),
          HttpResponse.BodyHandlers.discarding()).statusCode();
      if (status == 423) {
        Thread.sleep(1000);
      }
    } while (status == 423 && System.nanoTime() < deadline);
    return status;
  }

  private int patchTus(URI upload, long offset, byte[] chunk) throws IOException, InterruptedException {
    return http.send(tusRequest(upload).header("Upload-Offset", String.valueOf(offset)).header("Content-Type", "application/offset+octet-stream")
        .method("PATCH", HttpRequest.BodyPublishers.ofByteArray(chunk)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  /** A tus PATCH that declares {@code length} bytes, sends {@code sent}, then keeps the connection open. */
  private Socket startSlowPatch(URI upload, long offset, byte[] sent, long length) throws IOException {
    Socket socket = new Socket("127.0.0.1", port);
    OutputStream out = socket.getOutputStream();
    out.write(("PATCH " + upload.getRawPath() + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + Users.WRITER_AUTH_LINE + "Tus-Resumable: 1.0.0\r\n"
        + "Content-Type: application/offset+octet-stream\r\nUpload-Offset: " + offset + "\r\nContent-Length: " + length + "\r\n\r\n")
        .getBytes(StandardCharsets.ISO_8859_1));
    out.write(sent);
    out.flush();
    return socket;
  }

  /**
   * Issue 11, item 1: Depot starts against an empty mount point where its volume should be. It must not
   * take that for a store whose files were all lost: it refuses to reconcile and to write (readiness
   * DOWN, writes 503), drops no row, writes nothing into the mount point, and takes the volume back when
   * it is mounted again.
   */
  @Test
  void anEmptyMountPointAtStartIsRefusedAndLosesNoRow() throws Exception {
    dir = ItDirs.base().resolve("unmounted");
    results = dir.resolve("results");
    temp = results.resolve(".depot-tmp");
    port = Integer.getInteger("depot.it.port", 18080) + 8;
    server = URI.create("http://127.0.0.1:" + port + "/");
    Files.createDirectories(results);
    start("first");
    Map<String, String> stored = new TreeMap<>();
    for (int i = 0; i < 3; i++) {
      byte[] body = RandomBytes.of(40 + i, 100_000 + i);
      assertEquals(201, put("kept/file-" + i + ".bin", body));
      stored.put("kept/file-" + i + ".bin", Digests.sha256(body));
    }
    Thread.sleep(2000); // H2's commit delay, as above
    process.destroy();
    assertTrue(process.waitFor(60, TimeUnit.SECONDS));
    int rowsBefore = rows().size();

    Path volume = dir.resolve("volume");
    Files.move(results, volume); // the volume is not mounted: an empty directory where it should be
    Files.createDirectories(results);
    String log = start("second", false);

    HttpResponse<String> write = http.send(signedIn(server.resolve("depot/api/files/new.txt"))
        .PUT(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(503, write.statusCode(), write.body());
    assertTrue(write.body().contains("\"STORE_UNAVAILABLE\""), write.body());
    assertEquals(503, get("depot/api/files/kept/file-0.bin").statusCode(), "its row's store is not reachable");
    HttpResponse<String> ready = get("health/ready");
    assertEquals(503, ready.statusCode(), ready.body());
    assertTrue(ready.body().contains("is the volume mounted"), ready.body());
    try (Stream<Path> left = Files.list(results)) {
      assertEquals(List.of(), left.toList(), "nothing was written into the mount point");
    }
    assertTrue(!Files.readString(Path.of(log)).contains("Depot recovery ("), "no recovery ran");
    assertEquals(rowsBefore, rows().size(), "no row was dropped");

    Files.delete(results);
    Files.move(volume, results); // mounted again
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    int status;
    do {
      Thread.sleep(500);
      status = put("after/mount.txt", "back".getBytes(StandardCharsets.UTF_8));
    } while (status != 201 && System.nanoTime() < deadline);
    assertEquals(201, status, "the volume is taken back once it is there");
    assertEquals(200, get("depot/api/files/kept/file-0.bin").statusCode());
    for (Map.Entry<String, String> f : stored.entrySet()) {
      assertEquals(f.getValue(), Digests.sha256(results.resolve(f.getKey())));
    }
  }

  /** A request as the suite's writer (Depot takes no anonymous reads or writes). */
  private static HttpRequest.Builder signedIn(java.net.URI uri) {
    return HttpRequest.newBuilder(uri).header("Authorization", Users.get(Users.WRITER).basic());
  }

  private HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return http.send(signedIn(server.resolve(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  private String start(String name) throws Exception {
    return start(name, true);
  }

  /** Starts Depot; with {@code writes}, waits until it stores a file, else only until it answers. */
  private String start(String name, boolean writes) throws Exception {
    Path log = dir.resolve(name + ".log");
    List<String> command =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx512m",
            "-Djava.io.tmpdir=" + Files.createDirectories(dir.resolve("jvm-tmp")),
            "-Ddepot.results-dir=" + results,
            "-Ddepot.temp-max-age=PT0S", // this test's restart must treat every staged file as stale
            "-jar", System.getProperty("payara.micro.jar", "target/payara-micro.jar"),
            "--deploy", System.getProperty("depot.war", "target/depot.war"),
            "--port", String.valueOf(port),
            "--rootdir", dir.resolve("server").toString(),
            "--postbootcommandfile", System.getProperty("depot.payara.postboot", "docker/payara/depot.asadmin"),
            // as for the suite's servers: without it, the post-boot file's listener change can race the
            // deployment on a fresh root directory and leave the port refusing connections
            "--prebootcommandfile", System.getProperty("depot.it.preboot", "src/test/resources/it-pre-boot.asadmin"),
            "--nocluster");
    process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new AssertionError("Payara Micro exited: " + Files.readString(log));
      }
      // Wait for Micro's own "ready" line: with a reused root directory it deploys the application it
      // finds there and then the --deploy one again, and answers 403 in between.
      if (Files.readString(log).contains(") ready in ")) {
        try {
          if (writes ? put("ready/probe-" + name + ".txt", new byte[] {1}) / 100 == 2 : get("depot/api/files").statusCode() == 200) {
            return log.toString();
          }
        } catch (IOException notYet) {
          // not listening yet
        }
      }
      Thread.sleep(500);
    }
    throw new AssertionError("Depot did not come up on port " + port);
  }

  /**
   * The recovery report lines of the restart. Payara Micro redeploys an application it finds in its
   * root directory and then the one given with --deploy, so recovery may start twice; the first run
   * can be cut short by that undeploy, and the second finishes the job.
   */
  private List<String> awaitRecovery(String log) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (System.nanoTime() < deadline) {
      Matcher m = RECOVERY.matcher(Files.readString(Path.of(log)));
      List<String> found = new ArrayList<>();
      while (m.find()) {
        found.add(m.group());
      }
      if (!found.isEmpty() && process.isAlive()) {
        Thread.sleep(1000);
        return found;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("no recovery report in the log");
  }

  private int put(String path, byte[] body) throws IOException, InterruptedException {
    HttpRequest request = signedIn(server.resolve("depot/api/files/" + path))
        .PUT(HttpRequest.BodyPublishers.ofByteArray(body)).build();
    return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  /** A chunked upload that sends 1 MiB, then keeps the connection open as if still sending. */
  private Socket startSlowUpload(String path) throws IOException {
    Socket socket = new Socket("127.0.0.1", port);
    OutputStream out = socket.getOutputStream();
    out.write(("PUT /depot/api/files/" + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + Users.WRITER_AUTH_LINE + "Transfer-Encoding: chunked\r\n\r\n")
        .getBytes(StandardCharsets.ISO_8859_1));
    byte[] chunk = RandomBytes.of(99, 1 << 20);
    out.write((Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
    out.write(chunk);
    out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
    return socket;
  }

  private void awaitTempFiles(int n) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (list(temp).size() < n && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    assertTrue(list(temp).size() >= n, "uploads in flight: " + list(temp));
  }

  private static List<String> list(Path d) throws IOException {
    if (!Files.exists(d)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(d)) {
      return s.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".depot-")).sorted().toList(); // not the marker
    }
  }

  /** path -> {size, sha256}, read from the server's own H2 file (AUTO_SERVER allows a second client). */
  private Map<String, String[]> rows() throws Exception {
    String url = "jdbc:h2:" + dir.resolve("server/lib/databases/embedded_default") + ";AUTO_SERVER=TRUE;IFEXISTS=TRUE";
    Map<String, String[]> rows = new TreeMap<>();
    try (Connection c = DriverManager.getConnection(url, "", "");
        ResultSet rs = c.createStatement().executeQuery("SELECT path, size_bytes, sha256 FROM stored_file")) {
      while (rs.next()) {
        rows.put(rs.getString(1), new String[] {String.valueOf(rs.getLong(2)), rs.getString(3)});
      }
    }
    return rows;
  }
}
