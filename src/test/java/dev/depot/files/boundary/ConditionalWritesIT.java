package dev.depot.files.boundary;

import static dev.depot.files.boundary.FilesResourceIT.assertProblem;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.depot.it.Api;
import dev.depot.it.Deployments;
import dev.depot.it.Digests;
import dev.depot.it.ItDirs;
import dev.depot.it.Multipart;
import dev.depot.it.RandomBytes;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.net.URL;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Conditional writes (If-None-Match: *, If-Match, If-Unmodified-Since) and client digests (Repr-Digest,
 * Content-Digest, Content-MD5, also per multipart part), black-box over HTTP.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ConditionalWritesIT {

  private static final int RACERS = 20;

  private static final DateTimeFormatter IMF_FIXDATE =
      DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);

  @Deployment(testable = false)
  static WebArchive deployment() {
    return Deployments.war();
  }

  @ArquillianResource URL base;

  private final String prefix = "cond-" + UUID.randomUUID();

  private Api api() {
    return new Api(base);
  }

  private Api.Reply put(String rawPath, byte[] body, String... headers) {
    HttpRequest.Builder request = api().file(rawPath).PUT(HttpRequest.BodyPublishers.ofByteArray(body));
    if (headers.length > 0) {
      request.headers(headers);
    }
    return api().send(request.build());
  }

  private byte[] download(String rawPath) {
    HttpResponse<byte[]> response = api().exchange(api().file(rawPath).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(200, response.statusCode());
    return response.body();
  }

  private Api.Reply metadata(String rawPath) {
    return api().send(HttpRequest.newBuilder(api().uri("metadata/" + rawPath)).build());
  }

  @Test
  void racingCreateOnlyPutsHaveExactlyOneWinner() throws Exception {
    String path = prefix + "/race.bin";
    List<byte[]> bodies = new ArrayList<>();
    for (int i = 0; i < RACERS; i++) {
      bodies.add(RandomBytes.of(1000 + i, 256 * 1024));
    }
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(RACERS);
    List<Future<Api.Reply>> replies = new ArrayList<>();
    try {
      for (byte[] body : bodies) {
        replies.add(pool.submit(() -> {
          start.await();
          return put(path, body, "If-None-Match", "*");
        }));
      }
      start.countDown();
      List<Integer> statuses = new ArrayList<>();
      int winner = -1;
      for (int i = 0; i < RACERS; i++) {
        Api.Reply reply = replies.get(i).get(2, TimeUnit.MINUTES);
        statuses.add(reply.status());
        if (reply.status() == 201) {
          winner = i;
        } else {
          assertProblem(reply, 412, "PRECONDITION_FAILED");
        }
      }

      assertEquals(1, statuses.stream().filter(s -> s == 201).count(), statuses::toString);
      assertEquals(RACERS - 1, statuses.stream().filter(s -> s == 412).count(), statuses::toString);
      assertArrayEquals(bodies.get(winner), download(path), "the stored bytes are the winner's");
      assertEquals(Digests.sha256(bodies.get(winner)), metadata(path).json().getString("sha256"));
      assertEquals(List.of(), stagedLeftovers());
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void staleIfMatchIsRefusedAndLeavesTheFile() {
    String path = prefix + "/safe.txt";
    String v1 = etag(put(path, bytes("one")));
    Api.Reply second = put(path, bytes("two"), "If-Match", v1);
    assertEquals(200, second.status(), second.body());
    String v2 = etag(second);

    assertProblem(put(path, bytes("three"), "If-Match", v1), 412, "PRECONDITION_FAILED");
    assertProblem(put(prefix + "/never-stored.txt", bytes("x"), "If-Match", v1), 412, "PRECONDITION_FAILED");
    assertArrayEquals(bytes("two"), download(path));
    assertProblem(api().send(api().file(path).DELETE().header("If-Match", v1).build()), 412, "PRECONDITION_FAILED");
    assertEquals(204, api().send(api().file(path).DELETE().header("If-Match", v2).build()).status());
  }

  @Test
  void createOnlyAlsoWorksOnTheSeedStreamEndpoint() {
    String query = "stream?filename=s.bin&filedir=" + prefix;
    HttpRequest.Builder first = HttpRequest.newBuilder(api().uri(query)).POST(HttpRequest.BodyPublishers.ofByteArray(bytes("a")));
    HttpRequest.Builder again = HttpRequest.newBuilder(api().uri(query)).POST(HttpRequest.BodyPublishers.ofByteArray(bytes("b")));

    assertEquals(200, api().send(first.header("If-None-Match", "*").build()).status());
    assertProblem(api().send(again.header("If-None-Match", "*").build()), 412, "PRECONDITION_FAILED");
    assertArrayEquals(bytes("a"), download(prefix + "/s.bin"));
  }

  @Test
  void ifUnmodifiedSinceGuardsAPut() {
    String path = prefix + "/dated.txt";
    put(path, bytes("one"));
    String lastModified = lastModified(path);
    String before = secondsBefore(lastModified, 1);

    assertProblem(put(path, bytes("two"), "If-Unmodified-Since", before), 412, "PRECONDITION_FAILED");
    assertArrayEquals(bytes("one"), download(path));
    // The Last-Modified the client saw (whole seconds, the file has microseconds) lets the write through.
    Api.Reply dated = put(path, bytes("two"), "If-Unmodified-Since", lastModified);
    assertEquals(200, dated.status(), dated.body());
    assertArrayEquals(bytes("two"), download(path));
    // An invalid date is ignored; If-Match, when present, decides alone (RFC 9110 §13.2.2).
    assertEquals(200, put(path, bytes("three"), "If-Unmodified-Since", "yesterday").status());
    Api.Reply matched = put(path, bytes("four"), "If-Match", etag(metadata(path)), "If-Unmodified-Since", before);
    assertEquals(200, matched.status(), matched.body());
    assertArrayEquals(bytes("four"), download(path));
    // Nothing stored: the dated version is gone, so the condition cannot hold and nothing is created.
    String fresh = prefix + "/dated-never.txt";
    assertProblem(put(fresh, bytes("x"), "If-Unmodified-Since", lastModified), 412, "PRECONDITION_FAILED");
    assertProblem(metadata(fresh), 404, "NOT_FOUND");
  }

  @Test
  void ifUnmodifiedSinceGuardsADelete() {
    String path = prefix + "/dated-delete.txt";
    put(path, bytes("one"));
    String lastModified = lastModified(path);

    assertProblem(
        api().send(api().file(path).DELETE().header("If-Unmodified-Since", secondsBefore(lastModified, 1)).build()),
        412, "PRECONDITION_FAILED");
    assertArrayEquals(bytes("one"), download(path));
    assertEquals(204, api().send(api().file(path).DELETE().header("If-Unmodified-Since", lastModified).build()).status());
    // Deleting what is not there stays a 404: the answer without the condition is not a 2xx (§13.2.1).
    assertProblem(api().send(api().file(path).DELETE().header("If-Unmodified-Since", lastModified).build()), 404, "NOT_FOUND");
  }

  @Test
  void ifUnmodifiedSinceGuardsTheSeedStreamEndpoint() {
    String query = "stream?filename=dated.bin&filedir=" + prefix;
    assertEquals(200, api().send(HttpRequest.newBuilder(api().uri(query)).POST(HttpRequest.BodyPublishers.ofByteArray(bytes("a"))).build()).status());
    String lastModified = lastModified(prefix + "/dated.bin");

    Api.Reply stale = api().send(
        HttpRequest.newBuilder(api().uri(query)).POST(HttpRequest.BodyPublishers.ofByteArray(bytes("b")))
            .header("If-Unmodified-Since", secondsBefore(lastModified, 1)).build());
    assertProblem(stale, 412, "PRECONDITION_FAILED");
    assertArrayEquals(bytes("a"), download(prefix + "/dated.bin"));
    Api.Reply current = api().send(
        HttpRequest.newBuilder(api().uri(query)).POST(HttpRequest.BodyPublishers.ofByteArray(bytes("c")))
            .header("If-Unmodified-Since", lastModified).build());
    assertEquals(200, current.status(), current.body());
    assertArrayEquals(bytes("c"), download(prefix + "/dated.bin"));
  }

  @Test
  void digestMismatchLeavesThePreviousVersionAndNoNewRow() throws Exception {
    String path = prefix + "/kept.bin";
    byte[] v1 = RandomBytes.of(1, 200_000);
    JsonObject before = put(path, v1).json();
    byte[] v2 = RandomBytes.of(2, 200_000);
    String wrong = "sha-256=:" + b64("SHA-256", v1) + ":"; // the digest of the other version

    assertProblem(put(path, v2, "Repr-Digest", wrong), 400, "DIGEST_MISMATCH");
    assertProblem(put(path, v2, "Content-MD5", b64("MD5", v1)), 400, "DIGEST_MISMATCH");
    assertProblem(put(path, v2, "Content-Digest", "sha-512=:" + b64("SHA-512", v1) + ":"), 400, "DIGEST_MISMATCH");

    assertArrayEquals(v1, download(path));
    assertEquals(before, metadata(path).json(), "row unchanged");
    String fresh = prefix + "/never.bin";
    assertProblem(put(fresh, v2, "Repr-Digest", wrong), 400, "DIGEST_MISMATCH");
    assertProblem(metadata(fresh), 404, "NOT_FOUND");
    assertFalse(Files.exists(ItDirs.results().resolve(fresh)));
    assertEquals(List.of(), stagedLeftovers());
  }

  @Test
  void matchingDigestsAreAcceptedAndTheStoredDigestIsEchoed() throws Exception {
    byte[] body = RandomBytes.of(3, 70_000);

    Api.Reply reply =
        put(prefix + "/checked.bin", body,
            "Repr-Digest", "sha-256=:" + b64("SHA-256", body) + ":",
            "Content-Digest", "sha-512=:" + b64("SHA-512", body) + ":, unknown-alg=:AAAA:",
            "Content-MD5", b64("MD5", body));
    HttpResponse<byte[]> raw =
        api().exchange(api().file(prefix + "/checked.bin").PUT(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofByteArray());

    assertEquals(201, reply.status(), reply.body());
    assertEquals("sha-256=:" + b64("SHA-256", body) + ":", raw.headers().firstValue("Repr-Digest").orElse(null));
  }

  @Test
  void malformedDigestIsInvalidNotStored() {
    assertProblem(put(prefix + "/bad.bin", bytes("x"), "Repr-Digest", "sha-256=deadbeef"), 400, "INVALID_DIGEST");
    assertProblem(metadata(prefix + "/bad.bin"), 404, "NOT_FOUND");
  }

  @Test
  void aMultipartPartsOwnDigestIsVerified() throws Exception {
    byte[] good = RandomBytes.of(4, 10_000);
    byte[] bad = RandomBytes.of(5, 10_000);
    Multipart body =
        new Multipart()
            .field("dir", prefix + "/parts")
            .file("f", "good.bin", good, "Content-Digest: sha-256=:" + b64("SHA-256", good) + ":\r\n")
            .file("f", "bad.bin", bad, "Content-MD5: " + b64("MD5", good) + "\r\n");

    assertProblem(api().post("files", body), 400, "DIGEST_MISMATCH");
    // Parts before the failing one stay stored (documented multipart semantics); the failing one does not.
    assertArrayEquals(good, download(prefix + "/parts/good.bin"));
    assertProblem(metadata(prefix + "/parts/bad.bin"), 404, "NOT_FOUND");
    assertFalse(Files.exists(ItDirs.results().resolve(prefix + "/parts/bad.bin")));
  }

  /** The Last-Modified a download of the path states. */
  private String lastModified(String rawPath) {
    HttpResponse<byte[]> response = api().exchange(api().file(rawPath).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(200, response.statusCode());
    return response.headers().firstValue("Last-Modified").orElseThrow();
  }

  /** An HTTP date {@code seconds} before another. */
  private static String secondsBefore(String httpDate, long seconds) {
    return IMF_FIXDATE.format(ZonedDateTime.parse(httpDate, DateTimeFormatter.RFC_1123_DATE_TIME).minusSeconds(seconds));
  }

  private static String etag(Api.Reply reply) {
    return "\"" + reply.json().getString("sha256") + "\"";
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String b64(String algorithm, byte[] body) throws Exception {
    return Base64.getEncoder().encodeToString(MessageDigest.getInstance(algorithm).digest(body));
  }

  /** Staged uploads left in the temp directory: there must be none once requests are answered. */
  private static List<String> stagedLeftovers() throws IOException {
    Path temp = ItDirs.results().resolve(".depot-tmp");
    try (Stream<Path> files = Files.list(temp)) {
      return files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("upload-")).toList();
    }
  }
}
