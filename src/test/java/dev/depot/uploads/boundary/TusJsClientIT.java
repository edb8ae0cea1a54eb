package dev.depot.uploads.boundary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depot.it.Api;
import dev.depot.it.Deployments;
import dev.depot.it.ItDirs;
import dev.depot.it.RandomBytes;
import dev.depot.it.Users;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.net.URL;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
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
 * tus-js-client 4.3.1, the client of Uppy and most web pages, in Node against Depot
 * (src/test/node/tus-client.mjs, installed by the build's {@code npm ci}): a 1 GiB upload in 50 MiB
 * chunks, the same aborted at a random point and resumed through the client's stored fingerprint,
 * parallel uploads (concatenation) and a deferred length. Every stored file's SHA-256, as the server
 * reports it, must be the source's.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class TusJsClientIT {

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
}
