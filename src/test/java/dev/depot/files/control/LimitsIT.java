package dev.depot.files.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depot.config.DepotSettings;
import dev.depot.it.Api;
import dev.depot.it.Users;
import dev.depot.it.Deployments;
import dev.depot.it.SystemProperties;
import dev.depot.it.Digests;
import dev.depot.it.ItDirs;
import dev.depot.it.Multipart;
import dev.depot.it.RandomBytes;
import dev.depot.it.RawHttp;
import dev.depot.it.ServerKind;
import dev.depot.storage.control.SpaceAdmission;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringReader;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Size and shape limits, seen by a real client (curl): the 413 must reach it, not a connection reset.
 * In-container only so the test can lower {@code depot.max-file-size} for its own requests. Also how a
 * body's framing reaches those limits on the wire (raw sockets): a bogus {@code Content-Length} beside
 * chunks, and {@code Expect: 100-continue} answered before the body is sent.
 */
@ExtendWith(ArquillianExtension.class)
class LimitsIT {

  @Deployment
  static WebArchive deployment() {
    return Deployments.withTestClients(Digests.class, Multipart.class,
        RandomBytes.class, RawHttp.class, RawHttp.Connection.class, RawHttp.Response.class, ServerKind.class);
  }

  @ArquillianResource URL base;

  @Inject SpaceAdmission admission;

  private final String prefix = "limits-" + UUID.randomUUID();
  private final SystemProperties properties = new SystemProperties();
  private Path work;

  @BeforeEach
  void init() throws IOException {
    work = Files.createTempDirectory(ItDirs.base(), "limits-");
  }

  @AfterEach
  void restore() {
    properties.restore();
  }

  private void set(String key, String value) {
    properties.set(key, value);
  }

  /** Runs curl, returns {status, body}. */
  private String[] curl(String... args) throws Exception {
    Path out = Files.createTempFile(work, "curl-", ".out");
    List<String> command =
        new ArrayList<>(List.of("curl", "-sS", "-u", Users.get(Users.WRITER).colonPair(), "-o", out.toString(), "-w", "%{http_code}"));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String printed = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(120, TimeUnit.SECONDS), "curl hung");
    assertEquals(0, process.exitValue(), () -> "curl failed (a reset instead of an answer?): " + printed);
    return new String[] {printed.trim(), Files.readString(out)};
  }

  private String url(String relative) {
    return new Api(base).uri(relative).toString();
  }

  private static void assertProblem(String[] reply, int status, String code) {
    assertEquals(String.valueOf(status), reply[0], reply[1]);
    JsonObject problem = Json.createReader(new StringReader(reply[1])).readObject();
    assertEquals(code, problem.getString("code"), reply[1]);
  }

  @Test
  void declaredOversizeIsRefusedBeforeReadingAndCurlGetsThe413() throws Exception {
    set(DepotSettings.MAX_FILE_SIZE, "1MiB");
    Path big = Files.write(work.resolve("big.bin"), RandomBytes.of(1, 64 << 20));

    assertProblem(curl("-T", big.toString(), url("files/" + prefix + "/declared.bin")), 413, "UPLOAD_TOO_LARGE");
    assertProblem(curl("-H", "Expect:", "-T", big.toString(), url("files/" + prefix + "/declared.bin")), 413, "UPLOAD_TOO_LARGE");
    assertFalse(Files.exists(ItDirs.results().resolve(prefix)));
  }

  @Test
  void chunkedOversizeIsCutOffMidStreamAndCurlGetsThe413() throws Exception {
    set(DepotSettings.MAX_FILE_SIZE, "1MiB");
    Path big = Files.write(work.resolve("big.bin"), RandomBytes.of(2, 64 << 20));

    assertProblem(curl("-H", "Transfer-Encoding: chunked", "-T", big.toString(), url("files/" + prefix + "/chunked.bin")), 413, "UPLOAD_TOO_LARGE");
    assertProblem(curl("-F", "file=@" + big, url("files")), 413, "UPLOAD_TOO_LARGE");
    assertFalse(Files.exists(ItDirs.results().resolve(prefix)));
  }

  @Test
  void tooManyPartsAnOversizedPartHeaderAndAnOversizedFieldAre413() throws Exception {
    List<String> manyParts = new ArrayList<>();
    for (int i = 0; i <= 100; i++) {
      manyParts.add("-F");
      manyParts.add("f" + i + "=v");
    }
    manyParts.add(url("files"));
    assertProblem(curl(manyParts.toArray(String[]::new)), 413, "MULTIPART_LIMIT");

    Path small = Files.writeString(work.resolve("small.txt"), "x");
    assertProblem(curl("-F", "file=@" + small + ";filename=" + "n".repeat(9000), url("files")), 413, "MULTIPART_LIMIT");

    Path field = Files.writeString(work.resolve("field.txt"), "d".repeat((64 << 10) + 1));
    assertProblem(curl("-F", "dir=<" + field, "-F", "file=@" + small, url("files")), 413, "MULTIPART_LIMIT");
  }

  @Test
  void aMalformedMultipartCorpusGetsClientErrorsOnly() {
    String b = "corpus-boundary";
    String valid = "--" + b + "\r\nContent-Disposition: form-data; name=\"dir\"\r\n\r\n" + prefix + "\r\n"
        + "--" + b + "\r\nContent-Disposition: form-data; name=\"f\"; filename=\"one.txt\"\r\n\r\nfirst\r\n"
        + "--" + b + "--\r\n";
    Map<String, String[]> corpus = new LinkedHashMap<>(); // name -> {content type, body}
    String ct = "multipart/form-data; boundary=" + b;
    for (int i = 0; i < valid.length() - 2; i++) {
      if (i == 0 || valid.charAt(i - 1) == '\n' || valid.charAt(i) == '-' || valid.charAt(i) == '\r') {
        corpus.put("truncated at " + i, new String[] {ct, valid.substring(0, i)});
      }
    }
    corpus.put("empty", new String[] {ct, ""});
    corpus.put("garbage", new String[] {ct, "\u0001\u0002garbage\r\n\r\n"});
    corpus.put("no final boundary", new String[] {ct, valid.replace("--" + b + "--\r\n", "")});
    corpus.put("wrong boundary", new String[] {"multipart/form-data; boundary=other", valid});
    corpus.put("no boundary parameter", new String[] {"multipart/form-data", valid});
    corpus.put("empty boundary", new String[] {"multipart/form-data; boundary=", valid});
    corpus.put("boundary too long", new String[] {"multipart/form-data; boundary=" + "x".repeat(5000), valid});
    corpus.put("header without colon", new String[] {ct, valid.replace("Content-Disposition: form-data; name=\"f\"", "Content-Disposition form-data")});
    corpus.put("no blank line after headers", new String[] {ct, "--" + b + "\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a\"\r\nfirst\r\n--" + b + "--"});
    corpus.put("only the close delimiter", new String[] {ct, "--" + b + "--\r\n"});
    corpus.put("unterminated header block", new String[] {ct, "--" + b + "\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a\""});
    corpus.put("bad filename", new String[] {ct, valid.replace("one.txt", "..")});
    corpus.put("control char in filename", new String[] {ct, valid.replace("one.txt", "a\u0001b")});
    corpus.put("LF only line ends", new String[] {ct, valid.replace("\r\n", "\n")});
    assertTrue(corpus.size() >= 30, "corpus has " + corpus.size() + " cases");

    // Jersey cannot parse "boundary=" as a media type and answers 400 itself, before any resource or
    // mapper runs; a 400 all the same, but not Depot's problem+json.
    List<String> refusedByTheContainer = List.of("empty boundary");

    Api api = new Api(base);
    List<String> failures = new ArrayList<>();
    for (Map.Entry<String, String[]> c : corpus.entrySet()) {
      Api.Reply reply = api.send(HttpRequest.newBuilder(api.uri("files")).header("Content-Type", c.getValue()[0])
          .POST(HttpRequest.BodyPublishers.ofString(c.getValue()[1])).build());
      boolean problemJson = reply.contentType().startsWith("application/problem+json");
      if (reply.status() < 400 || reply.status() >= 500 || !(problemJson || refusedByTheContainer.contains(c.getKey()))) {
        failures.add(c.getKey() + " -> " + reply.status() + " " + reply.body());
      }
    }
    assertEquals(List.of(), failures);
  }

  /** An upload endpoint as a raw request: method and target, body type, the key it stores at, its success status. */
  private record Endpoint(String method, String target, String contentType, byte[] body, String key, int stored) {}

  /** One raw request to each upload endpoint, storing {@code bytes} under a name made of {@code name}. */
  private List<Endpoint> endpoints(String name, byte[] bytes) {
    Multipart files = new Multipart().field("dir", prefix).file("f", name + "-post.bin", bytes);
    Multipart seed = new Multipart().file("upload_file", prefix + "-" + name + "-upload.bin", bytes);
    return List.of(
        new Endpoint("PUT", "api/files/" + prefix + "/" + name + "-put.bin", "application/octet-stream", bytes,
            prefix + "/" + name + "-put.bin", 201),
        new Endpoint("POST", "api/stream?filename=" + name + "-stream.bin&filedir=" + prefix, "application/octet-stream", bytes,
            prefix + "/" + name + "-stream.bin", 200),
        new Endpoint("POST", "api/files", files.contentType(), files.toBytes(), prefix + "/" + name + "-post.bin", 201),
        new Endpoint("POST", "api/upload", seed.contentType(), seed.toBytes(), prefix + "-" + name + "-upload.bin", 200));
  }

  private String app() {
    String path = Deployments.loopback(base).getPath();
    return path.endsWith("/") ? path : path + "/";
  }

  /** The next response, which must come: a closed connection fails the test, and so does silence (timeout). */
  private static RawHttp.Response answer(RawHttp.Connection connection, String label) throws IOException {
    try {
      RawHttp.Response response = connection.next();
      assertNotNull(response, label + ": the server closed the connection without an answer");
      return response;
    } catch (SocketTimeoutException silence) {
      throw new AssertionError(label + ": no answer within the read timeout", silence);
    }
  }

  private static byte[] concat(byte[]... pieces) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] piece : pieces) {
      out.writeBytes(piece);
    }
    return out.toByteArray();
  }

  /**
   * RFC 9112 §6.3: a body with both {@code Transfer-Encoding: chunked} and a {@code Content-Length} is
   * framed by its chunks (or refused, §6.1), never by the length: a length that is too large must not
   * reserve space (or be a 413), one that is too small must not cut the body or make it a 400. Each
   * server's way was measured and is pinned here (README, "HTTP framing"): WildFly (Undertow) refuses
   * every such request with a bare 400 and closes the connection; Payara (Grizzly) refuses it when
   * {@code Transfer-Encoding} comes first, and otherwise drops the {@code Content-Length} and reads the
   * chunks, so Depot stores exactly the chunked bytes. Depot ignores such a length itself too
   * ({@code ContentLength}, {@code ContentLengthTest}).
   */
  @Test
  void aChunkedBodyWithABogusContentLengthIsStoredByItsChunksOrRefused() throws Exception {
    URI server = Deployments.loopback(base);
    byte[] bytes = RandomBytes.of(3, 100_000);
    // If Depot took it: over the file size limit (a PUT's 413), and more than the disk (a multipart POST's 507).
    long larger = Files.getFileStore(ItDirs.results()).getTotalSpace() + (1L << 40);
    // If Depot took it: a complete chunked PUT would be 400 UPLOAD_INCOMPLETE ("received more than declared").
    long smaller = bytes.length / 2;
    for (long bogus : new long[] {larger, smaller}) {
      for (boolean lengthFirst : new boolean[] {true, false}) {
        String name = (lengthFirst ? "cl-te-" : "te-cl-") + (bogus == larger ? "larger" : "smaller");
        String framing = lengthFirst
            ? "Content-Length: " + bogus + "\r\nTransfer-Encoding: chunked\r\n"
            : "Transfer-Encoding: chunked\r\nContent-Length: " + bogus + "\r\n";
        boolean serverReadsTheChunks = ServerKind.current() == ServerKind.PAYARA && lengthFirst;
        for (Endpoint e : endpoints(name, bytes)) {
          String label = e.method() + " " + e.target() + " with " + framing.replace("\r\n", "; ");
          String head = e.method() + " " + app() + e.target() + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + Users.WRITER_AUTH_LINE + "Content-Type: " + e.contentType()
              + "\r\n" + framing + "\r\n";
          // The next request on the connection, right after the last chunk: answered only if the server
          // framed the body by its chunks; a body framed by the bogus length would swallow it or end early.
          String next = "GET " + app() + "api/metadata/" + e.key() + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + Users.WRITER_AUTH_LINE + "Connection: close\r\n\r\n";
          try (RawHttp.Connection connection = new RawHttp.Connection(server, Duration.ofSeconds(30))) {
            if (serverReadsTheChunks) {
              connection.send(concat(head.getBytes(StandardCharsets.ISO_8859_1), RawHttp.chunked(e.body()),
                  next.getBytes(StandardCharsets.ISO_8859_1)));
              RawHttp.Response stored = answer(connection, label);
              assertEquals(e.stored(), stored.status(), label + ": " + stored);
              RawHttp.Response metadata = answer(connection, label);
              assertEquals(200, metadata.status(), label + ", the request after it: " + metadata);
              assertEquals(bytes.length, Json.createReader(new StringReader(metadata.text())).readObject().getJsonNumber("size").longValue(), label);
              assertEquals(Digests.sha256(bytes), Digests.sha256(ItDirs.results().resolve(e.key())), label + ": stored bytes");
            } else {
              connection.send(head);
              RawHttp.Response refused = answer(connection, label);
              assertEquals(400, refused.status(), label + ": " + refused);
              assertNull(refused.header("Content-Type"), label + ": the container's own 400, Depot never saw it: " + refused);
              try {
                connection.send(concat(RawHttp.chunked(e.body()), next.getBytes(StandardCharsets.ISO_8859_1)));
              } catch (IOException closedAlready) {
                // the server closed first: nothing more can be read as a request
              }
              assertTrue(connection.closesWithoutAnswer(Duration.ofSeconds(10)), label + ": the connection stays open after the refusal");
              assertFalse(Files.exists(ItDirs.results().resolve(e.key())), label + ": stored anyway");
            }
          }
          assertEquals(0, admission.reserved(), label + ": space still reserved");
        }
      }
    }
  }

  /**
   * RFC 9110 §10.1.1: a client that sends {@code Expect: 100-continue} holds its body back until the
   * server says go on, so a server that can refuse on the headers alone should answer with the final
   * status instead of {@code 100 Continue}. Depot decides the 413 from the declared length before it
   * touches the body. WildFly (Undertow) sends {@code 100 Continue} only when the application first
   * reads the body, so the 413 comes alone; Payara's Grizzly sends it itself as soon as the headers are
   * parsed, before any application code runs and with no setting to change that (README, "HTTP
   * framing"), so there the 413 follows the 100, still before any byte of the body. Either way the body
   * the client then never sends is not awaited, and nothing sent after is read as a request.
   */
  @Test
  void withExpectContinueADeclaredOversizeIsAnsweredBeforeTheBodyIsSent() throws Exception {
    String witness = witness();
    set(DepotSettings.MAX_FILE_SIZE, "1MiB");
    List<Endpoint> raw = endpoints("expect-413", new byte[0]).subList(0, 2); // multipart bodies have no one file size to refuse up front
    answeredBeforeTheBody(raw, 2L << 20, 413, "UPLOAD_TOO_LARGE", witness);
  }

  /** As above, for a declared length that passes the file size limit but not the free-space admission. */
  @Test
  void withExpectContinueAnUploadThatCannotFitIsAnsweredBeforeTheBodyIsSent() throws Exception {
    String witness = witness();
    set(DepotSettings.MIN_FREE_SPACE, "1000TiB"); // no disk here has that much free: every declared upload is a 507
    answeredBeforeTheBody(endpoints("expect-507", new byte[0]), 1L << 20, 507, "INSUFFICIENT_STORAGE", witness);
  }

  /** A stored file: a request for it that a server wrongly parsed out of a body would be answered 200. */
  private String witness() {
    String witness = prefix + "/witness.txt";
    assertEquals(201, new Api(base).put(witness, "here".getBytes(StandardCharsets.UTF_8)).status());
    return witness;
  }

  private void answeredBeforeTheBody(List<Endpoint> endpoints, long declared, int status, String code, String witness) throws Exception {
    URI server = Deployments.loopback(base);
    for (Endpoint e : endpoints) {
      String label = e.method() + " " + e.target() + " on " + ServerKind.current();
      try (RawHttp.Connection connection = new RawHttp.Connection(server, Duration.ofSeconds(20))) {
        connection.send(e.method() + " " + app() + e.target() + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + Users.WRITER_AUTH_LINE + "Content-Type: " + e.contentType()
            + "\r\nContent-Length: " + declared + "\r\nExpect: 100-continue\r\n\r\n");
        RawHttp.Response answer = answer(connection, label); // a SocketTimeoutException here: no answer without the body
        if (ServerKind.current() == ServerKind.PAYARA) {
          // Grizzly's own 100 Continue (HttpHandler.doHandle, before any application code): pinned so
          // that a Payara that stops doing it makes this test fail and the README gets updated.
          assertEquals(100, answer.status(), label + ": " + answer);
          answer = answer(connection, label);
        } else {
          assertTrue(answer.status() != 100, label + ": 100 Continue came before the final answer");
        }
        assertEquals(status, answer.status(), label + ": " + answer);
        assertTrue(answer.header("Content-Type").startsWith("application/problem+json"), label + ": " + answer);
        assertEquals(code, Json.createReader(new StringReader(answer.text())).readObject().getString("code"), label);

        // Instead of the body, a request that would be answered 200 if the server read it as one.
        connection.send("GET " + app() + "api/files/" + witness + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + Users.WRITER_AUTH_LINE + "\r\n");
        boolean closed = connection.closesWithoutAnswer(Duration.ofSeconds(3)); // an answer to it fails the test
        if (ServerKind.current() == ServerKind.WILDFLY) {
          assertTrue(closed, label + ": WildFly keeps a connection whose announced body it never read");
        }
        // Payara keeps the connection a while (it reads on for the announced body, which it discards)
      }
      assertFalse(Files.exists(ItDirs.results().resolve(e.key())), label + ": stored anyway");
      assertEquals(0, admission.reserved(), label + ": space still reserved");
    }
  }
}
