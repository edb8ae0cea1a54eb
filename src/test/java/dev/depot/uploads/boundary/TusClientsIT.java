package dev.depot.uploads.boundary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depot.it.Api;
import dev.depot.it.Deployments;
import dev.depot.it.ItDirs;
import dev.depot.it.RandomBytes;
import dev.depot.it.Users;
import io.tus.java.client.TusClient;
import io.tus.java.client.TusURLMemoryStore;
import io.tus.java.client.TusUpload;
import io.tus.java.client.TusUploader;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.StringReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Real tus clients against Depot, in one class so the suite boots one server for them.
 *
 * <p>tus-js-client 4.3.1, the client of Uppy and most web pages, in Node (src/test/node/tus-client.mjs,
 * installed by the build's {@code npm ci}): a 1 GiB upload in 50 MiB chunks, the same aborted at a
 * random point and resumed through the client's stored fingerprint, parallel uploads (concatenation)
 * and a deferred length. Every stored file's SHA-256, as the server reports it, must be the source's.
 *
 * <p>tus-java-client 0.5.1: a whole upload, and one whose connection is cut in the middle of a PATCH (a
 * relay between client and server drops it with a reset) and that the client then resumes from the
 * offset the server kept. The client sends its PATCHes as POST with {@code X-HTTP-Method-Override},
 * which Depot honours.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class TusClientsIT {

  private static final long GIB = 1L << 30;

  @Deployment(testable = false)
  static WebArchive deployment() {
    return Deployments.war();
  }

  @ArquillianResource URL base;

  private final String run = UUID.randomUUID().toString().substring(0, 8);
  private Path dir;
  private final List<String> stored = new ArrayList<>();

  @BeforeEach
  void dir() throws IOException {
    dir = Files.createDirectories(ItDirs.base().resolve("tus-js-" + run));
  }

  @AfterEach
  void cleanUp() throws IOException {
    Api api = new Api(base);
    for (String path : stored) {
      api.send(api.file(path).DELETE().build()); // a GiB each: the disk is the suite's
    }
    try (var files = Files.list(dir)) {
      for (Path f : files.toList()) {
        if (Files.isRegularFile(f)) {
          Files.delete(f);
        }
      }
    }
  }

  @Test
  void uploadsOneGibInFiftyMibChunks() throws Exception {
    Path file = source("one-gib.bin", GIB, 31);

    JsonObject result = node("upload", file, "--chunk-size", String.valueOf(50L << 20));

    assertEquals(GIB, result.getJsonNumber("bytesSent").longValue());
    assertStored(file);
  }

  @Test
  void resumesAnAbortedUploadFromItsStoredFingerprint() throws Exception {
    Path file = source("resumed.bin", GIB, 32);

    JsonObject result = node("resume", file, "--chunk-size", String.valueOf(50L << 20), "--state", dir.resolve("urls").toString());

    long sent = result.getJsonNumber("bytesSent").longValue();
    assertNotNull(result.get("abortedAt"));
    assertTrue(sent < GIB * 12 / 10, "resumed, not started over: sent " + sent + " bytes for " + GIB);
    assertStored(file);
  }

  @Test
  void parallelUploadsAreConcatenated() throws Exception {
    Path file = source("parallel.bin", 200L << 20, 33);

    node("parallel", file, "--chunk-size", String.valueOf(16L << 20));

    assertStored(file);
  }

  @Test
  void aDeferredLengthUploadCompletes() throws Exception {
    Path file = source("deferred.bin", 100L << 20, 34);

    node("deferred", file, "--chunk-size", String.valueOf(8L << 20));

    assertStored(file);
  }

  private void assertStored(Path file) throws Exception {
    String path = "tus-js/" + run + "/" + file.getFileName();
    stored.add(path);
    Api api = new Api(base);
    HttpResponse<String> head = api.exchange(api.file(path).method("HEAD", java.net.http.HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, head.statusCode(), path);
    assertEquals(String.valueOf(Files.size(file)), head.headers().firstValue("Content-Length").orElse(null));
    String expected = "sha-256=:" + Base64.getEncoder().encodeToString(sha256(file)) + ":";
    assertEquals(expected, head.headers().firstValue("Repr-Digest").orElse(null), "the stored file's SHA-256 is the source's");
  }

  private JsonObject node(String scenario, Path file, String... more) throws Exception {
    Path scripts = Path.of(System.getProperty("depot.node.dir", "src/test/node")).toAbsolutePath();
    Users.User writer = Users.get(Users.WRITER);
    List<String> command = new ArrayList<>(List.of("node", scripts.resolve("tus-client.mjs").toString(), scenario,
        "--endpoint", Deployments.loopback(base) + "api/uploads/", "--user", writer.name(), "--password", writer.password(),
        "--file", file.toString(), "--dir", "tus-js/" + run));
    command.addAll(List.of(more));
    Path log = dir.resolve(scenario + ".log");
    Process process = new ProcessBuilder(command).directory(scripts.toFile()).redirectError(log.toFile()).start();
    String out;
    try (InputStream in = process.getInputStream()) {
      out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    assertTrue(process.waitFor(10, TimeUnit.MINUTES), "tus-client.mjs " + scenario + " finished");
    assertEquals(0, process.exitValue(), "tus-client.mjs " + scenario + ": " + out + Files.readString(log));
    String last = out.strip().lines().reduce((a, b) -> b).orElseThrow();
    JsonObject result = Json.createReader(new StringReader(last)).readObject();
    System.out.println("tus-js-client " + scenario + ": " + result);
    return result;
  }

  /** A file of {@code size} random bytes; the data comes from a seed, so a failure can be replayed. */
  private Path source(String name, long size, long seed) throws IOException {
    Path file = dir.resolve(name);
    try (InputStream in = new RandomBytes(seed, size)) {
      Files.copy(in, file);
    }
    return file;
  }

  private static byte[] sha256(Path file) throws Exception {
    MessageDigest digest = MessageDigest.getInstance("SHA-256");
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buffer = new byte[1 << 20];
      for (int n; (n = in.read(buffer)) > 0; ) {
        digest.update(buffer, 0, n);
      }
    }
    return digest.digest();
  }

  // --- tus-java-client 0.5.1 ---------------------------------------------------------------

  @Test
  void uploadsAFileInChunks() throws Exception {
    byte[] data = RandomBytes.of(21, 5_000_000);
    TusClient client = client(endpoint());
    TusUpload upload = upload(data, "java-" + run + ".bin");

    TusUploader uploader = client.createUpload(upload);
    uploader.setChunkSize(256 * 1024);
    uploader.setRequestPayloadSize(1 << 20); // several PATCH requests
    while (uploader.uploadChunk() > -1) {
      // until the whole file is sent
    }
    uploader.finish();

    assertEquals(sha256Hex(data), storedSha256("tus-java/java-" + run + ".bin"));
  }

  @Test
  void resumesAfterTheConnectionIsDroppedMidPatch() throws Exception {
    byte[] data = RandomBytes.of(22, 12_000_000);
    TusURLMemoryStore urls = new TusURLMemoryStore();
    try (Relay relay = new Relay(URI.create(endpoint().toString()))) {
      TusClient client = client(relay.endpoint());
      client.enableResuming(urls);
      TusUpload upload = upload(data, "drop-" + run + ".bin");
      TusUploader uploader = client.createUpload(upload);
      uploader.setChunkSize(64 * 1024);
      uploader.setRequestPayloadSize(8 << 20); // one long PATCH, cut in its middle
      while (uploader.getOffset() < 5_000_000) {
        uploader.uploadChunk();
      }
      relay.cut(); // both sides see a reset
      assertThrows(IOException.class, () -> {
        while (uploader.uploadChunk() > -1) {
          // the next writes fail
        }
        uploader.finish();
      });
    }

    // The client learnt the upload's URL through the relay, which is gone: the same upload on the server itself.
    String fingerprint = "drop-" + run + ".bin-" + data.length;
    URL direct = URI.create(endpoint().toString()).resolve(urls.get(fingerprint).getPath()).toURL();
    urls.set(fingerprint, direct);
    awaitUnlocked(direct);
    TusClient again = client(endpoint());
    again.enableResuming(urls);
    TusUpload upload = upload(data, "drop-" + run + ".bin");
    TusUploader resumed = again.resumeUpload(upload);
    long keptAtResume = resumed.getOffset();
    assertTrue(keptAtResume > 0 && keptAtResume <= 5_100_000, "the server kept what arrived before the cut: " + keptAtResume);
    resumed.setChunkSize(256 * 1024);
    while (resumed.uploadChunk() > -1) {
      // the rest
    }
    resumed.finish();

    assertEquals(sha256Hex(data), storedSha256("tus-java/drop-" + run + ".bin"));
  }

  /**
   * Waits until the server has let go of the cut PATCH (it notices the reset a moment later and answers
   * 423 to another writer until then): an empty PATCH at the current offset is the probe.
   */
  private void awaitUnlocked(URL upload) throws Exception {
    Api api = new Api(base);
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (true) {
      HttpResponse<String> head = api.exchange(HttpRequest.newBuilder(upload.toURI()).header("Tus-Resumable", "1.0.0")
          .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
      String offset = head.headers().firstValue("Upload-Offset").orElseThrow();
      HttpResponse<String> probe = api.exchange(HttpRequest.newBuilder(upload.toURI()).header("Tus-Resumable", "1.0.0")
          .header("Upload-Offset", offset).header("Content-Type", "application/offset+octet-stream")
          .method("PATCH", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
      if (probe.statusCode() == 204) {
        return;
      }
      // 423: the cut PATCH still runs; 409: it committed its bytes between the HEAD and the probe
      assertTrue(probe.statusCode() == 423 || probe.statusCode() == 409, probe.statusCode() + " " + probe.body());
      assertTrue(System.nanoTime() < deadline, "the cut PATCH never let go of the upload");
      Thread.sleep(200);
    }
  }

  private URL endpoint() throws Exception {
    return URI.create(Deployments.loopback(base) + "api/uploads").toURL();
  }

  private static TusClient client(URL endpoint) {
    TusClient client = new TusClient();
    client.setUploadCreationURL(endpoint);
    client.setHeaders(Map.of("Authorization", Users.get(Users.WRITER).basic()));
    return client;
  }

  private static TusUpload upload(byte[] data, String name) {
    TusUpload upload = new TusUpload();
    upload.setInputStream(new ByteArrayInputStream(data));
    upload.setSize(data.length);
    upload.setFingerprint(name + "-" + data.length);
    upload.setMetadata(Map.of("filename", name, "dir", "tus-java"));
    return upload;
  }

  private String storedSha256(String path) {
    Api api = new Api(base);
    HttpResponse<byte[]> stored = api.exchange(api.file(path).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(200, stored.statusCode());
    return sha256Hex(stored.body());
  }

  private static String sha256Hex(byte[] data) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** A TCP relay on loopback whose open connections can be cut with a reset, as a network drop would. */
  private static final class Relay implements AutoCloseable {
    private final ServerSocket listener;
    private final URI target;
    private final List<Socket> open = new CopyOnWriteArrayList<>();

    Relay(URI target) throws IOException {
      this.target = target;
      this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      Thread accept = new Thread(this::accept, "relay-accept");
      accept.setDaemon(true);
      accept.start();
    }

    URL endpoint() throws Exception {
      return new URI("http", null, "127.0.0.1", listener.getLocalPort(), target.getPath(), null, null).toURL();
    }

    private void accept() {
      while (!listener.isClosed()) {
        try {
          Socket client = listener.accept();
          Socket server = new Socket(target.getHost(), target.getPort());
          open.add(client);
          open.add(server);
          pipe(client, server);
          pipe(server, client);
        } catch (IOException e) {
          return;
        }
      }
    }

    private static void pipe(Socket from, Socket to) {
      Thread t = new Thread(() -> {
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
          in.transferTo(out);
        } catch (IOException ignored) {
          // cut
        }
      }, "relay-pipe");
      t.setDaemon(true);
      t.start();
    }

    void cut() {
      for (Socket s : open) {
        try {
          s.setSoLinger(true, 0);
          s.close();
        } catch (IOException ignored) {
          // already gone
        }
      }
      open.clear();
    }

    @Override
    public void close() throws IOException {
      cut();
      listener.close();
    }
  }
}
