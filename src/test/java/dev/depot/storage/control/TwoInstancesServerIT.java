package dev.depot.storage.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depot.it.Digests;
import dev.depot.it.RandomBytes;
import dev.depot.it.Users;
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
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 16, the parts that have landed: two Payara Micro instances of the same WAR on one PostgreSQL
 * schema and one shared results directory, as two app servers behind a balancer would run (the test
 * talks to each directly, so that it decides which instance gets which request).
 *
 * <ul>
 *   <li>Instance B reads what instance A just replaced (no JPA shared cache).
 *   <li>A tus upload whose PATCHes alternate between the instances completes, with the right SHA-256
 *       read through both.
 *   <li>While a PATCH on A holds an upload, a PATCH on B gets 423; once A's request ends, B goes on.
 * </ul>
 *
 * <p>Not an Arquillian test: it starts and stops its own two servers (in the Payara Server suite,
 * which has PostgreSQL; schema {@code depot_two}, emptied first). The first instance is up before the
 * second starts, so that one of them makes the store and its marker.
 */
class TwoInstancesServerIT {

  private static final String SCHEMA = "depot_two";
  private static final Path DIR = Path.of("target", "two-instances").toAbsolutePath();
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final List<Process> PROCESSES = new ArrayList<>();
  private static URI a;
  private static URI b;
  private static int portB;

  private final String run = UUID.randomUUID().toString().substring(0, 8);

  @BeforeAll
  static void start() throws Exception {
    try (Connection db = postgresql(); Statement sql = db.createStatement()) {
      sql.execute("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
      sql.execute("CREATE SCHEMA " + SCHEMA);
    }
    Path results = Files.createDirectories(DIR.resolve("results"));
    int base = Integer.getInteger("depot.it.port", 18080);
    a = start("a", base + 11, results);
    portB = base + 12;
    b = start("b", portB, results);
  }

  @AfterAll
  static void stop() throws InterruptedException {
    for (Process process : PROCESSES) {
      process.destroy();
    }
    for (Process process : PROCESSES) {
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
  }

  @Test
  void instanceBReadsWhatInstanceAJustReplaced() throws Exception {
    String path = "two/" + run + "/replaced.bin";
    byte[] first = RandomBytes.of(1, 100_000);
    byte[] second = RandomBytes.of(2, 120_000);
    assertEquals(201, put(a, path, first));
    assertTrue(get(b, "depot/api/metadata/" + path).body().contains(Digests.sha256(first)), "B sees A's first version");

    assertEquals(200, put(a, path, second));

    assertTrue(get(b, "depot/api/metadata/" + path).body().contains(Digests.sha256(second)), "B sees A's replace at once");
    HttpResponse<byte[]> bytes = HTTP.send(signedIn(b.resolve("depot/api/files/" + path)).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(Digests.sha256(second), Digests.sha256(bytes.body()));
  }

  @Test
  void aTusUploadWhosePatchesAlternateInstancesCompletes() throws Exception {
    byte[] data = RandomBytes.of(3, 3_000_000);
    URI upload = createTus(a, data.length, "alternating.bin");
    String id = upload.getPath().substring(upload.getPath().lastIndexOf('/') + 1);
    int[] cuts = {0, 700_000, 1_500_000, 2_200_000, data.length};
    for (int i = 0; i + 1 < cuts.length; i++) {
      URI on = (i % 2 == 0 ? b : a).resolve("depot/api/uploads/" + id);
      HttpResponse<String> patched = patchTus(on, cuts[i], Arrays.copyOfRange(data, cuts[i], cuts[i + 1]));
      assertEquals(204, patched.statusCode(), "PATCH " + i + " on " + on + ": " + patched.body());
      assertEquals(String.valueOf(cuts[i + 1]), patched.headers().firstValue("Upload-Offset").orElse(null));
    }
    for (URI instance : List.of(a, b)) {
      HttpResponse<byte[]> stored = HTTP.send(signedIn(instance.resolve("depot/api/files/two/" + run + "/alternating.bin")).GET().build(),
          HttpResponse.BodyHandlers.ofByteArray());
      assertEquals(200, stored.statusCode());
      assertEquals(Digests.sha256(data), Digests.sha256(stored.body()), "read through " + instance);
    }
  }

  @Test
  void whileAPatchOnOneInstanceHoldsTheUploadAPatchOnTheOtherIsLocked() throws Exception {
    byte[] data = RandomBytes.of(4, 2_000_000);
    URI upload = createTus(a, data.length, "held.bin");
    String id = upload.getPath().substring(upload.getPath().lastIndexOf('/') + 1);
    URI onA = a.resolve("depot/api/uploads/" + id);
    URI onB = b.resolve("depot/api/uploads/" + id);

    try (Socket held = startSlowPatch(portOf(a), onA, Arrays.copyOfRange(data, 0, 500_000), data.length)) {
      awaitClaim(id); // A's request holds the upload (its claim is in the row)
      HttpResponse<String> onOther = patchTus(onB, 0, Arrays.copyOfRange(data, 0, 10));
      assertEquals(423, onOther.statusCode(), "instance B refuses while instance A writes: " + onOther.body());
      assertEquals(423, HTTP.send(tus(onB).DELETE().build(), HttpResponse.BodyHandlers.ofString()).statusCode(), "nor terminates it");
    } // A's PATCH breaks off here: what arrived is kept, the claim given up

    long offset = awaitOffset(onB);
    HttpResponse<String> rest = patchTus(onB, offset, Arrays.copyOfRange(data, (int) offset, data.length));
    assertEquals(204, rest.statusCode(), rest.body());
    HttpResponse<byte[]> stored = HTTP.send(signedIn(b.resolve("depot/api/files/two/" + run + "/held.bin")).GET().build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(Digests.sha256(data), Digests.sha256(stored.body()));
  }

  // ----------------------------------------------------------------------------------------------

  private static URI start(String name, int port, Path results) throws Exception {
    Path dir = Files.createDirectories(DIR.resolve(name));
    Path log = dir.resolve("server.log");
    List<String> command = List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx384m",
        "-Djava.io.tmpdir=" + Files.createDirectories(dir.resolve("jvm-tmp")),
        "-Ddepot.results-dir=" + results,
        "-jar", System.getProperty("payara.micro.jar", "target/payara-micro.jar"),
        "--deploy", System.getProperty("depot.war", "target/depot.war"),
        "--port", String.valueOf(port),
        "--rootdir", dir.resolve("server").toString(),
        "--addLibs", Path.of("target", "docker", "postgresql.jar").toAbsolutePath().toString(),
        "--postbootcommandfile", System.getProperty("depot.payara.postboot", "target/it/post-boot.asadmin"),
        "--prebootcommandfile", System.getProperty("depot.it.preboot", "src/test/resources/it-pre-boot.asadmin"),
        "--nocluster");
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    // docker/payara/depot.asadmin points the default data source at PostgreSQL from these
    Map<String, String> env = builder.environment();
    env.put("DEPOT_DB_POOL", "depot-postgresql");
    env.put("DEPOT_DB_HOST", System.getProperty("depot.server.db.host", "127.0.0.1"));
    env.put("DEPOT_DB_PORT", System.getProperty("depot.server.db.port", "5432"));
    env.put("DEPOT_DB_NAME", System.getProperty("depot.server.db.name", "test"));
    env.put("DEPOT_DB_USER", System.getProperty("depot.server.db.user", "postgres"));
    env.put("DEPOT_DB_PASSWORD", "trust"); // trust authentication: any
    env.put("DEPOT_DB_SCHEMA", SCHEMA);
    Process process = builder.start();
    PROCESSES.add(process);
    URI server = URI.create("http://127.0.0.1:" + port + "/");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new AssertionError("Payara Micro " + name + " exited: " + Files.readString(log));
      }
      if (Files.readString(log).contains(") ready in ")) {
        try {
          if (HTTP.send(signedIn(server.resolve("depot/api/files?limit=1")).GET().build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
            return server;
          }
        } catch (IOException notYet) {
          // not listening yet
        }
      }
      Thread.sleep(500);
    }
    throw new AssertionError("instance " + name + " did not come up on port " + port + ": " + Files.readString(log));
  }

  private static Connection postgresql() throws SQLException {
    String url = "jdbc:postgresql://" + System.getProperty("depot.server.db.host", "127.0.0.1") + ":"
        + System.getProperty("depot.server.db.port", "5432") + "/" + System.getProperty("depot.server.db.name", "test");
    return DriverManager.getConnection(url, System.getProperty("depot.server.db.user", "postgres"), "");
  }

  private static HttpRequest.Builder signedIn(URI uri) {
    return HttpRequest.newBuilder(uri).header("Authorization", Users.get(Users.WRITER).basic());
  }

  private static HttpRequest.Builder tus(URI uri) {
    return signedIn(uri).header("Tus-Resumable", "1.0.0");
  }

  private static int put(URI server, String path, byte[] body) throws IOException, InterruptedException {
    return HTTP.send(signedIn(server.resolve("depot/api/files/" + path)).PUT(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
        HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  private static HttpResponse<String> get(URI server, String path) throws IOException, InterruptedException {
    return HTTP.send(signedIn(server.resolve(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  private URI createTus(URI server, long length, String name) throws IOException, InterruptedException {
    String metadata = "filename " + Base64.getEncoder().encodeToString(name.getBytes(StandardCharsets.UTF_8)) + ",dir "
        + Base64.getEncoder().encodeToString(("two/" + run).getBytes(StandardCharsets.UTF_8));
    HttpResponse<String> created = HTTP.send(tus(server.resolve("depot/api/uploads")).header("Upload-Length", String.valueOf(length))
        .header("Upload-Metadata", metadata).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(201, created.statusCode(), created.body());
    return server.resolve(created.headers().firstValue("Location").orElseThrow());
  }

  private static HttpResponse<String> patchTus(URI upload, long offset, byte[] chunk) throws IOException, InterruptedException {
    return HTTP.send(tus(upload).header("Upload-Offset", String.valueOf(offset)).header("Content-Type", "application/offset+octet-stream")
        .method("PATCH", HttpRequest.BodyPublishers.ofByteArray(chunk)).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** A PATCH that declares {@code length} bytes, sends {@code sent}, then keeps the connection open. */
  private static Socket startSlowPatch(int port, URI upload, byte[] sent, long length) throws IOException {
    Socket socket = new Socket("127.0.0.1", port);
    OutputStream out = socket.getOutputStream();
    out.write(("PATCH " + upload.getRawPath() + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + Users.WRITER_AUTH_LINE + "Tus-Resumable: 1.0.0\r\n"
        + "Content-Type: application/offset+octet-stream\r\nUpload-Offset: 0\r\nContent-Length: " + length + "\r\n\r\n")
        .getBytes(StandardCharsets.ISO_8859_1));
    out.write(sent);
    out.flush();
    return socket;
  }

  /** The upload's offset once the broken PATCH on the other instance has let go of it. */
  private static long awaitOffset(URI upload) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      HttpResponse<String> head = HTTP.send(tus(upload).method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
      long offset = Long.parseLong(head.headers().firstValue("Upload-Offset").orElse("0"));
      if (offset > 0 && patchTus(upload, offset, new byte[0]).statusCode() != 423) {
        return offset;
      }
      Thread.sleep(300);
    }
    throw new AssertionError("the broken PATCH on the other instance never let go of the upload");
  }

  private static void awaitClaim(String id) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      try (Connection db = postgresql();
          java.sql.PreparedStatement query = db.prepareStatement("SELECT claimed_by FROM " + SCHEMA + ".resumable_upload WHERE id = ?")) {
        query.setString(1, id);
        try (java.sql.ResultSet row = query.executeQuery()) {
          if (row.next() && row.getString(1) != null) {
            return;
          }
        }
      }
      Thread.sleep(100);
    }
    throw new AssertionError("the PATCH on instance A never claimed upload " + id);
  }

  private static int portOf(URI server) {
    return server.getPort();
  }
}
