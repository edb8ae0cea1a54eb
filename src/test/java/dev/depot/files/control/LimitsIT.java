package dev.depot.files.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depot.config.DepotSettings;
import dev.depot.it.Api;
import dev.depot.it.Deployments;
import dev.depot.it.ItDirs;
import dev.depot.it.Multipart;
import dev.depot.it.RandomBytes;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.io.StringReader;
import java.net.URL;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
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
 * In-container only so the test can lower {@code depot.max-file-size} for its own requests.
 */
@ExtendWith(ArquillianExtension.class)
class LimitsIT {

  @Deployment
  static WebArchive deployment() {
    return Deployments.war().addClasses(Api.class, Api.Reply.class, Deployments.class, ItDirs.class, Multipart.class, RandomBytes.class);
  }

  @ArquillianResource URL base;

  private final String prefix = "limits-" + UUID.randomUUID();
  private final Map<String, String> saved = new HashMap<>();
  private Path work;

  @BeforeEach
  void init() throws IOException {
    work = Files.createTempDirectory(ItDirs.base(), "limits-");
  }

  @AfterEach
  void restore() {
    saved.forEach((k, v) -> {
      if (v == null) {
        System.clearProperty(k);
      } else {
        System.setProperty(k, v);
      }
    });
  }

  private void set(String key, String value) {
    saved.putIfAbsent(key, System.getProperty(key));
    System.setProperty(key, value);
  }

  /** Runs curl, returns {status, body}. */
  private String[] curl(String... args) throws Exception {
    Path out = Files.createTempFile(work, "curl-", ".out");
    List<String> command = new ArrayList<>(List.of("curl", "-sS", "-o", out.toString(), "-w", "%{http_code}"));
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
}
