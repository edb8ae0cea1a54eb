package dev.depot.files.control;

import dev.depot.storage.control.StoredFiles;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.depot.config.DepotSettings;
import dev.depot.storage.entity.StoredFile;
import dev.depot.it.Api;
import dev.depot.it.Users;
import dev.depot.it.Deployments;
import dev.depot.it.SystemProperties;
import dev.depot.it.Digests;
import dev.depot.it.ItDirs;
import dev.depot.it.Multipart;
import dev.depot.it.RandomBytes;
import dev.depot.it.RawHttp;
import dev.depot.it.Health;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * When things go wrong on the server's side of the wire: a disk that fills up (a real 64 MiB tmpfs),
 * clients that vanish mid-request, writers racing for one path. In-container, so the test can point
 * depot.results-dir at the tmpfs and look at the rows. The rule each time: a clear status, no partial
 * file, no orphan row, nothing stored before is damaged, and the server keeps serving.
 */
@ExtendWith(ArquillianExtension.class)
class StorageFaultsIT {

  @Deployment
  static WebArchive deployment() {
    return Deployments.withTestClients(Digests.class, Multipart.class,
            RandomBytes.class, RawHttp.class, Health.class);
  }

  @Inject StoredFiles storedFiles;
  @Inject dev.depot.storage.control.SpaceAdmission admission;

  @ArquillianResource URL base;

  private final String prefix = "faults-" + UUID.randomUUID();
  private final SystemProperties properties = new SystemProperties();

  private void set(String key, String value) {
    properties.set(key, value);
  }

  @AfterEach
  void restore() {
    properties.restore();
  }

  private Path smallDisk() throws IOException {
    Path small = ItDirs.base().resolve("small");
    String status = ItDirs.tmpfsStatus();
    if (!status.startsWith("tmpfs")) {
      fail("needs the 64 MiB tmpfs that it-dirs.sh mounts as root: " + status);
    }
    Path results = Files.createDirectories(small.resolve(prefix));
    set(DepotSettings.RESULTS_DIR, results.toString());
    return results;
  }

  @Test
  void declaredUploadThatCannotFitIsRefusedBeforeAnyWrite() throws IOException {
    Path results = smallDisk();
    set(DepotSettings.MIN_FREE_SPACE, "8MiB");
    FileStore disk = Files.getFileStore(results);
    new Api(base).put(prefix + "/warm.txt", new byte[1]); // creates the temp dir
    long usedBefore = disk.getTotalSpace() - disk.getUnallocatedSpace();
    long tooBig = disk.getUsableSpace(); // fits the disk, but not with the reserve

    Api.Reply reply = new Api(base).put(prefix + "/big.bin",
        HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(() -> new RandomBytes(1, tooBig)), tooBig),
        null);

    assertProblem(reply, 507, "INSUFFICIENT_STORAGE");
    assertEquals(usedBefore, disk.getTotalSpace() - disk.getUnallocatedSpace(), "bytes were written");
    assertFalse(Files.exists(results.resolve(prefix + "/big.bin")));
    assertTrue(storedFiles.findByPath(prefix + "/big.bin").isEmpty());
  }

  @Test
  void chunkedUploadThatRunsTheDiskOutIs507AndLeavesNothing() throws IOException {
    Path results = smallDisk();
    set(DepotSettings.MIN_FREE_SPACE, "0");
    Api api = new Api(base);
    byte[] previous = RandomBytes.of(5, 4 << 20);
    assertEquals(201, api.put(prefix + "/victim.bin", previous).status());
    FileStore disk = Files.getFileStore(results);
    long usedBefore = disk.getTotalSpace() - disk.getUnallocatedSpace();

    // Chunked (no declared length): admitted, then the OS says ENOSPC part-way.
    Api.Reply put = api.put(prefix + "/victim.bin", HttpRequest.BodyPublishers.ofInputStream(() -> new RandomBytes(6, 100L << 20)), null);
    assertProblem(put, 507, "INSUFFICIENT_STORAGE");
    Multipart multipart = new Multipart().field("dir", prefix).file("f", "multi.bin", "application/octet-stream", () -> new RandomBytes(7, 100L << 20), 100L << 20);
    Api.Reply post = api.post("files", multipart);
    assertProblem(post, 507, "INSUFFICIENT_STORAGE");

    assertEquals(usedBefore, disk.getTotalSpace() - disk.getUnallocatedSpace(), "tmpfs usage is back to what it was");
    assertEquals(Digests.sha256(previous), Digests.sha256(results.resolve(prefix + "/victim.bin")), "previous version untouched");
    assertEquals(Digests.sha256(previous), storedFiles.findByPath(prefix + "/victim.bin").orElseThrow().getSha256());
    assertFalse(Files.exists(results.resolve(prefix + "/multi.bin")));
    assertTrue(storedFiles.findByPath(prefix + "/multi.bin").isEmpty());
    assertEquals(List.of(), tempFiles(results));

    assertEquals(201, api.put(prefix + "/after.txt", "fits".getBytes(StandardCharsets.UTF_8)).status(), "the next upload that fits succeeds");
  }

  @Test
  void hundredsOfClientAbortsLeaveNoTraceAndTheServerKeepsServing() throws Exception {
    URI server = Deployments.loopback(base);
    String app = server.getPath().endsWith("/") ? server.getPath() : server.getPath() + "/";
    SplittableRandom random = new SplittableRandom(2026);
    byte[] body = RandomBytes.of(9, 256 * 1024);
    Map<String, byte[]> completeParts = new HashMap<>();
    for (int i = 0; i < 120; i++) {
      boolean chunked = random.nextBoolean();
      String framing = chunked ? "Transfer-Encoding: chunked\r\n" : "Content-Length: " + body.length + "\r\n";
      if (i % 2 == 0) {
        String head = "PUT " + app + "api/files/" + prefix + "/put-" + i + ".bin HTTP/1.1\r\nHost: 127.0.0.1\r\n" + Users.WRITER_AUTH_LINE
            + framing + "Content-Type: application/octet-stream\r\n\r\n";
        RawHttp.sendAndAbort(server, head, body, random.nextInt(head.length() + body.length), chunked);
      } else {
        byte[] first = RandomBytes.of(1000 + i, 30_000);
        Multipart multipart = new Multipart().field("dir", prefix).file("f", "first-" + i + ".bin", first)
            .file("f", "second-" + i + ".bin", RandomBytes.of(2000 + i, 200_000));
        byte[] bytes = multipart.toBytes();
        completeParts.put(prefix + "/first-" + i + ".bin", first);
        String head = "POST " + app + "api/files HTTP/1.1\r\nHost: 127.0.0.1\r\n" + Users.WRITER_AUTH_LINE + (chunked ? framing : "Content-Length: " + bytes.length + "\r\n")
            + "Content-Type: " + multipart.contentType() + "\r\n\r\n";
        RawHttp.sendAndAbort(server, head, bytes, random.nextInt(head.length() + bytes.length - 10), chunked);
      }
    }

    Path results = Path.of(System.getProperty(DepotSettings.RESULTS_DIR));
    awaitNoTempFiles(results);
    List<String> rows = rowsUnder(prefix);
    for (String row : rows) {
      assertTrue(Files.isRegularFile(results.resolve(row)), "orphan row " + row);
    }
    try (Stream<Path> files = Files.walk(results.resolve(prefix)).filter(Files::isRegularFile)) {
      for (Path file : files.toList()) {
        String key = results.relativize(file).toString();
        byte[] expected = completeParts.get(key);
        assertTrue(expected != null, "partial or unexpected file " + key);
        assertEquals(Digests.sha256(expected), Digests.sha256(file), "partial file " + key);
        StoredFile row = storedFiles.findByPath(key).orElseThrow(() -> new AssertionError("file without row " + key));
        assertEquals(Digests.sha256(expected), row.getSha256());
      }
    } catch (java.nio.file.NoSuchFileException none) {
      // no part completed before its abort: nothing stored, which is fine
    }
    assertEquals(201, new Api(base).put(prefix + "/alive.txt", "still serving".getBytes(StandardCharsets.UTF_8)).status());
  }

  @Test
  void concurrentWritersOfOnePathEndWithExactlyOneCompleteUpload() throws Exception {
    String path = prefix + "/contended.bin";
    int writers = 16;
    List<String> digests = new ArrayList<>();
    List<byte[]> bodies = new ArrayList<>();
    for (int i = 0; i < writers; i++) {
      byte[] b = RandomBytes.of(100 + i, (1 << 20) + i);
      bodies.add(b);
      digests.add(Digests.sha256(b));
    }
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    try {
      List<Future<Integer>> results = new ArrayList<>();
      for (byte[] b : bodies) {
        results.add(pool.submit(() -> new Api(base).put(path, b).status()));
      }
      for (Future<Integer> r : results) {
        int status = r.get();
        assertTrue(status == 200 || status == 201, "status " + status);
      }
    } finally {
      pool.shutdownNow();
    }

    Path file = Path.of(System.getProperty(DepotSettings.RESULTS_DIR)).resolve(path);
    String onDisk = Digests.sha256(file);
    assertTrue(digests.contains(onDisk), "final bytes are not exactly one of the uploads");
    StoredFile row = storedFiles.findByPath(path).orElseThrow();
    assertEquals(onDisk, row.getSha256());
    assertEquals(Files.size(file), row.getSize());
    assertEquals(List.of(), tempFiles(Path.of(System.getProperty(DepotSettings.RESULTS_DIR))));
  }

  @Test
  void aStalledClientIsCutOffAndCleanedUpWhileASlowSteadyOneIsNot() throws Exception {
    // The test server's read timeout is 4 s (src/test/resources/it-pre-boot.asadmin; 30 s in production).
    URI server = Deployments.loopback(base);
    String app = server.getPath().endsWith("/") ? server.getPath() : server.getPath() + "/";
    Path results = Path.of(System.getProperty(DepotSettings.RESULTS_DIR));
    try (java.net.Socket stalled = new java.net.Socket(server.getHost(), server.getPort())) {
      java.io.OutputStream out = stalled.getOutputStream();
      out.write(("PUT " + app + "api/files/" + prefix + "/stalled.bin HTTP/1.1\r\nHost: 127.0.0.1\r\n" + Users.WRITER_AUTH_LINE + "Content-Length: 1000000\r\n\r\n")
          .getBytes(StandardCharsets.ISO_8859_1));
      out.write(new byte[100_000]);
      out.flush();
      long deadline = System.nanoTime() + 20_000_000_000L;
      while (tempFiles(results).isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertFalse(tempFiles(results).isEmpty(), "the stalled upload was staged");
      awaitNoTempFiles(results); // then cut off by the server, not by us: the socket is still open
    }
    assertFalse(Files.exists(results.resolve(prefix + "/stalled.bin")));
    assertTrue(storedFiles.findByPath(prefix + "/stalled.bin").isEmpty());

    try (java.net.Socket steady = new java.net.Socket(server.getHost(), server.getPort())) {
      steady.setSoTimeout(30_000);
      java.io.OutputStream out = steady.getOutputStream();
      int pieces = 8;
      out.write(("PUT " + app + "api/files/" + prefix + "/steady.bin HTTP/1.1\r\nHost: 127.0.0.1\r\n" + Users.WRITER_AUTH_LINE + "Content-Length: " + pieces * 1000
          + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
      for (int i = 0; i < pieces; i++) { // 8 s in all: twice the read timeout, never idle for 1
        out.write(new byte[1000]);
        out.flush();
        Thread.sleep(1000);
      }
      String status = new String(steady.getInputStream().readNBytes(12), StandardCharsets.ISO_8859_1);
      assertEquals("HTTP/1.1 201", status);
    }
    assertEquals(8000, Files.size(results.resolve(prefix + "/steady.bin")));
  }

  /** Issue 11, item 13: whatever the framing, no upload leaves less than depot.min-free-space. */
  @Test
  void aChunkedUploadNeverEatsIntoTheReserve() throws IOException {
    Path results = smallDisk();
    set(DepotSettings.MIN_FREE_SPACE, "8MiB");
    FileStore disk = Files.getFileStore(results);
    Api api = new Api(base);
    assertEquals(201, api.put(prefix + "/first.bin", RandomBytes.of(11, 30 << 20)).status());
    long usedBefore = disk.getTotalSpace() - disk.getUnallocatedSpace();
    long size = 30L << 20; // fits the free space, not with the reserve on top

    Api.Reply chunked = api.put(prefix + "/chunked.bin", HttpRequest.BodyPublishers.ofInputStream(() -> new RandomBytes(12, size)), null);
    assertProblem(chunked, 507, "INSUFFICIENT_STORAGE");
    assertTrue(disk.getUsableSpace() >= (8L << 20), "free space stayed above the reserve: " + disk.getUsableSpace());
    Multipart multipart = new Multipart().field("dir", prefix).file("f", "multi.bin", "application/octet-stream", () -> new RandomBytes(13, size), size);
    Api.Reply post = api.send(HttpRequest.newBuilder(api.uri("files")).POST(multipart.chunkedPublisher())
        .header("Content-Type", multipart.contentType()).build());
    assertProblem(post, 507, "INSUFFICIENT_STORAGE");

    assertEquals(usedBefore, disk.getTotalSpace() - disk.getUnallocatedSpace(), "nothing of either upload is left");
    assertFalse(Files.exists(results.resolve(prefix + "/chunked.bin")));
    assertFalse(Files.exists(results.resolve(prefix + "/multi.bin")));
    assertTrue(storedFiles.findByPath(prefix + "/chunked.bin").isEmpty());
    assertEquals(List.of(), tempFiles(results));
  }

  /** Issue 11, item 14: a full disk refuses uploads with 507, but Depot stays ready for reads and deletes. */
  @Test
  void lowDiskRefusesWritesAndStaysReady() throws IOException {
    smallDisk();
    set(DepotSettings.MIN_FREE_SPACE, "0");
    Api api = new Api(base);
    assertEquals(201, api.put(prefix + "/readable.txt", "still served".getBytes(StandardCharsets.UTF_8)).status());
    set(DepotSettings.MIN_FREE_SPACE, "1GiB"); // more than the whole 64 MiB disk

    assertProblem(api.put(prefix + "/refused.txt", "x".getBytes(StandardCharsets.UTF_8)), 507, "INSUFFICIENT_STORAGE");
    Api.Reply ready = new Health(base).ready();
    assertEquals(200, ready.status(), ready.body());
    jakarta.json.JsonObject storage = Health.check(ready, "depot-storage").orElseThrow();
    assertEquals("UP", storage.getString("status"), ready.body());
    // MicroProfile Health implementations render boolean data as JSON true or as "true"
    assertTrue(List.of("true", "\"true\"").contains(String.valueOf(storage.getJsonObject("data").get("low-space"))), ready.body());
    assertEquals(200, api.send(api.file(prefix + "/readable.txt").GET().build()).status());
    assertEquals(204, api.send(api.file(prefix + "/readable.txt").DELETE().build()).status());
  }

  /**
   * Issue 11, item 12: a client that trickles is cut off (408), and its upload leaves nothing. The test
   * asks for 1 KiB/s over 2 s; the client sends 10 bytes a second, well within the server's read timeout.
   */
  @Test
  void aTricklingUploadIsCutOffAndLeavesNothing() throws Exception {
    set(DepotSettings.MIN_TRANSFER_RATE, "1KiB");
    set(DepotSettings.MIN_TRANSFER_RATE_WINDOW, "PT2S");
    URI server = Deployments.loopback(base);
    String app = server.getPath().endsWith("/") ? server.getPath() : server.getPath() + "/";
    Path results = Path.of(System.getProperty(DepotSettings.RESULTS_DIR));
    String answer;
    try (java.net.Socket slow = new java.net.Socket(server.getHost(), server.getPort())) {
      slow.setSoTimeout(20_000);
      java.io.OutputStream out = slow.getOutputStream();
      out.write(("PUT " + app + "api/files/" + prefix + "/trickle.bin HTTP/1.1\r\nHost: 127.0.0.1\r\n" + Users.WRITER_AUTH_LINE + "Content-Length: 100000\r\n\r\n")
          .getBytes(StandardCharsets.ISO_8859_1));
      long started = System.nanoTime();
      try {
        for (int i = 0; i < 15 && slow.getInputStream().available() == 0; i++) {
          out.write(new byte[10]);
          out.flush();
          Thread.sleep(1000);
        }
      } catch (IOException closed) {
        // cut off: the answer may already be there
      }
      answer = new String(slow.getInputStream().readNBytes(12), StandardCharsets.ISO_8859_1);
      System.out.printf("trickling upload answered '%s' after %.1f s%n", answer, (System.nanoTime() - started) / 1e9);
    }
    assertEquals("HTTP/1.1 408", answer);
    awaitNoTempFiles(results);
    assertFalse(Files.exists(results.resolve(prefix + "/trickle.bin")));
    assertTrue(storedFiles.findByPath(prefix + "/trickle.bin").isEmpty());
  }

  /** Issue 11, item 12: a multipart body reserves at most what its parts could store, whatever it declares. */
  @Test
  void aHugeDeclaredMultipartBodyReservesOnlyWhatItCouldStore() throws Exception {
    set(DepotSettings.MAX_FILE_SIZE, "1MiB");
    set(DepotSettings.MAX_PARTS, "3");
    URI server = Deployments.loopback(base);
    String app = server.getPath().endsWith("/") ? server.getPath() : server.getPath() + "/";
    long before = admission.reserved();
    String body = "--b\r\nContent-Disposition: form-data; name=\"f\"; filename=\"x\"\r\n\r\n";
    try (java.net.Socket client = new java.net.Socket(server.getHost(), server.getPort())) {
      java.io.OutputStream out = client.getOutputStream();
      out.write(("POST " + app + "api/files HTTP/1.1\r\nHost: 127.0.0.1\r\n" + Users.WRITER_AUTH_LINE + "Content-Type: multipart/form-data; boundary=b\r\n"
          + "Content-Length: " + (1L << 40) + "\r\n\r\n" + body).getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (admission.reserved() == before && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      long reserved = admission.reserved() - before;
      // 3 parts of 1 MiB, less the bytes of the body that already arrived (they count off the reservation)
      assertTrue(reserved <= 3L << 20 && reserved >= (3L << 20) - body.length(), "a 1 TiB declaration reserved " + reserved);
    }
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (admission.reserved() != before && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertEquals(before, admission.reserved(), "released when the client went away");
  }

  /** Issue 11, item 2: files written before depot.results-dir changed stay readable and deletable where they are. */
  @Test
  void aRuntimeChangeOfTheResultsDirLeavesEarlierFilesWhereTheyAre() throws IOException {
    Api api = new Api(base);
    Path first = Files.createDirectories(ItDirs.base().resolve("first-" + prefix));
    Path second = ItDirs.base().resolve("second-" + prefix); // does not exist yet: Depot creates it
    set(DepotSettings.RESULTS_DIR, first.toString());
    byte[] early = RandomBytes.of(21, 100_000);
    assertEquals(201, api.put(prefix + "/early.bin", early).status());
    assertEquals(201, api.put(prefix + "/doomed.bin", new byte[] {1, 2, 3}).status());

    set(DepotSettings.RESULTS_DIR, second.toString());
    byte[] late = RandomBytes.of(22, 50_000);
    assertEquals(201, api.put(prefix + "/late.bin", late).status());

    assertTrue(Files.isRegularFile(second.resolve(prefix + "/late.bin")));
    assertFalse(Files.exists(first.resolve(prefix + "/late.bin")));
    java.net.http.HttpResponse<byte[]> got =
        api.exchange(api.file(prefix + "/early.bin").GET().build(), java.net.http.HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(200, got.statusCode());
    assertEquals(Digests.sha256(early), Digests.sha256(got.body()));
    assertEquals(204, api.send(api.file(prefix + "/doomed.bin").DELETE().build()).status());
    assertFalse(Files.exists(first.resolve(prefix + "/doomed.bin")));
    // a replace moves the path to the new directory
    assertEquals(200, api.put(prefix + "/early.bin", late).status());
    assertTrue(Files.isRegularFile(second.resolve(prefix + "/early.bin")));
    assertFalse(Files.exists(first.resolve(prefix + "/early.bin")));
  }

  /** Issue 11, item 10: running out of inodes on a real tmpfs is 507, never 500. */
  @Test
  void runningOutOfInodesIs507() throws IOException {
    if (!ItDirs.tmpfsStatus().startsWith("tmpfs")) {
      fail("needs the small-inode tmpfs that it-dirs.sh mounts as root: " + ItDirs.tmpfsStatus());
    }
    Path results = Files.createDirectories(ItDirs.base().resolve("inodes").resolve(prefix));
    set(DepotSettings.RESULTS_DIR, results.toString());
    set(DepotSettings.MIN_FREE_SPACE, "0");
    Api api = new Api(base);
    Api.Reply last = null;
    int stored = 0;
    for (int i = 0; i < 500; i++) {
      last = api.put("d" + i + "/e/f.txt", new byte[0]);
      if (last.status() != 201) {
        break;
      }
      stored++;
    }
    System.out.println("inode tmpfs: " + stored + " files stored before " + (last == null ? "-" : last.status()));
    assertProblem(last, 507, "INSUFFICIENT_STORAGE");
    assertTrue(stored > 0, "some files fit");
    assertEquals(List.of(), tempFiles(results));
    assertEquals(204, api.send(api.file("d0/e/f.txt").DELETE().build()).status(), "the server keeps serving");
  }

  private List<String> rowsUnder(String prefix) {
    List<String> rows = new ArrayList<>();
    String after = prefix;
    List<String> page;
    do {
      page = storedFiles.pathsAfter(after, 200);
      for (String p : page) {
        if (!p.startsWith(prefix)) {
          return rows;
        }
        rows.add(p);
      }
      after = page.isEmpty() ? after : page.get(page.size() - 1);
    } while (!page.isEmpty());
    return rows;
  }

  private static void awaitNoTempFiles(Path results) throws InterruptedException {
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (!tempFiles(results).isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    assertEquals(List.of(), tempFiles(results), "temp files left behind");
  }

  private static List<String> tempFiles(Path results) {
    Path temp = results.resolve(DepotSettings.DEFAULT_TEMP_DIR_NAME);
    if (!Files.exists(temp)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(temp)) {
      return s.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".depot-")).toList();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  static void assertProblem(Api.Reply reply, int status, String code) {
    assertEquals(status, reply.status(), reply.body());
    assertTrue(reply.contentType().startsWith("application/problem+json"), reply.contentType());
    assertEquals(code, reply.json().getString("code"), reply.body());
  }
}
