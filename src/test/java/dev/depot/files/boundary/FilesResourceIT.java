package dev.depot.files.boundary;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depot.it.Api;
import dev.depot.it.Deployments;
import dev.depot.it.Digests;
import dev.depot.it.ItDirs;
import dev.depot.it.Multipart;
import dev.depot.it.RandomBytes;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import java.net.URL;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Black-box tests of the upload API on a real Payara, over HTTP on loopback. */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class FilesResourceIT {

  @Deployment(testable = false)
  static WebArchive deployment() {
    return Deployments.war();
  }

  @ArquillianResource URL base;

  private final String prefix = "it-" + UUID.randomUUID();

  private Api api() {
    return new Api(base);
  }

  @Test
  void putStoresBodyAndAnswersCreatedWithMetadata() throws Exception {
    byte[] body = RandomBytes.of(1, 1 << 20);
    String path = prefix + "/docs/a.bin";

    Api.Reply reply = api().put(path, HttpRequest.BodyPublishers.ofByteArray(body), "application/x-depot-test");

    assertEquals(201, reply.status(), reply.body());
    assertTrue(reply.contentType().startsWith("application/json"), reply.contentType());
    assertNotNull(reply.location());
    assertTrue(reply.location().endsWith("/depot/api/files/" + path), reply.location());
    JsonObject json = reply.json();
    assertAll(
        () -> assertEquals(path, json.getString("path")),
        () -> assertEquals(body.length, json.getJsonNumber("size").longValueExact()),
        () -> assertEquals(Digests.sha256(body), json.getString("sha256")),
        () -> assertEquals("application/x-depot-test", json.getString("contentType")),
        () -> Instant.parse(json.getString("created")),
        () -> Instant.parse(json.getString("modified")));
    assertEquals(Digests.sha256(body), Digests.sha256(ItDirs.results().resolve(path)));
  }

  @Test
  void putOverExistingFileReplacesItAndAnswersOk() {
    String path = prefix + "/replace.txt";
    JsonObject first = api().put(path, "first".getBytes(StandardCharsets.UTF_8)).json();

    Api.Reply second = api().put(path, "second version".getBytes(StandardCharsets.UTF_8));

    assertEquals(200, second.status(), second.body());
    assertEquals(first.getString("created"), second.json().getString("created"));
    assertFalse(Instant.parse(second.json().getString("modified")).isBefore(Instant.parse(first.getString("modified"))));
    assertEquals(Digests.sha256("second version".getBytes(StandardCharsets.UTF_8)), Digests.sha256(ItDirs.results().resolve(path)));
  }

  @Test
  void chunkedPutWithoutLengthIsStored() {
    long size = 3L << 20;
    String path = prefix + "/chunked.bin";
    HttpRequest.BodyPublisher chunked = HttpRequest.BodyPublishers.ofInputStream(() -> new RandomBytes(7, size));

    Api.Reply reply = api().put(path, chunked, null);

    assertEquals(201, reply.status(), reply.body());
    assertEquals(size, reply.json().getJsonNumber("size").longValueExact());
    assertEquals("application/octet-stream", reply.json().getString("contentType"));
    assertEquals(RandomBytes.sha256(7, size), Digests.sha256(ItDirs.results().resolve(path)));
  }

  @Test
  void multipartStoresEveryFilePartUnderTheDirFieldBeforeIt() {
    byte[] one = RandomBytes.of(11, 100_000);
    byte[] two = RandomBytes.of(12, 200_000);
    byte[] three = "three".getBytes(StandardCharsets.UTF_8);
    Multipart body =
        new Multipart()
            .field("dir", prefix + "/one")
            .file("file", "one.bin", one)
            .field("dir", prefix + "/two/deeper")
            .file("file", "two.bin", two)
            .file("other", "three.txt", three);

    Api.Reply reply = api().post("files", body);

    assertEquals(201, reply.status(), reply.body());
    JsonArray files = reply.json().getJsonArray("files");
    assertEquals(3, files.size());
    Map<String, byte[]> expected =
        Map.of(prefix + "/one/one.bin", one, prefix + "/two/deeper/two.bin", two, prefix + "/two/deeper/three.txt", three);
    List<String> paths = files.getValuesAs(JsonObject.class).stream().map(f -> f.getString("path")).toList();
    assertEquals(List.of(prefix + "/one/one.bin", prefix + "/two/deeper/two.bin", prefix + "/two/deeper/three.txt"), paths);
    for (JsonObject file : files.getValuesAs(JsonObject.class)) {
      byte[] content = expected.get(file.getString("path"));
      assertEquals(Digests.sha256(content), file.getString("sha256"));
      assertEquals(content.length, file.getJsonNumber("size").longValueExact());
      assertEquals(Digests.sha256(content), Digests.sha256(ItDirs.results().resolve(file.getString("path"))));
    }
  }

  @Test
  void multipartFilenamesAreReducedToTheirBaseName() {
    Multipart body =
        new Multipart()
            .field("dir", prefix)
            .file("f", "C:\\Users\\someone\\report.pdf", "x".getBytes(StandardCharsets.UTF_8))
            .file("f", "../../../etc/passwd", "y".getBytes(StandardCharsets.UTF_8));

    Api.Reply reply = api().post("files", body);

    assertEquals(201, reply.status(), reply.body());
    assertTrue(Files.isRegularFile(ItDirs.results().resolve(prefix + "/report.pdf")));
    assertTrue(Files.isRegularFile(ItDirs.results().resolve(prefix + "/passwd")));
  }

  @Test
  void seedUploadEndpointAnswersFilenameAndBytes() {
    String name = prefix + "-seed.bin";
    byte[] content = RandomBytes.of(21, 50_000);

    Api.Reply reply = api().post("upload", new Multipart().file("upload_file", name, content));

    assertEquals(200, reply.status(), reply.body());
    assertEquals(name, reply.json().getString("filename"));
    assertEquals(content.length, reply.json().getJsonNumber("bytes").longValueExact());
    assertEquals(Digests.sha256(content), Digests.sha256(ItDirs.results().resolve(name)));
  }

  @Test
  void seedUploadWithoutUploadFileFieldIsRejected() {
    Api.Reply reply = api().post("upload", new Multipart().file("other", prefix + ".bin", new byte[10]));

    assertProblem(reply, 400, "MISSING_FILE_PART");
  }

  @Test
  void seedStreamEndpointAnswersLocationOfStoredFile() {
    byte[] content = RandomBytes.of(31, 70_000);
    HttpRequest request =
        HttpRequest.newBuilder(api().uri("stream?filename=s.bin&filedir=" + prefix + "/seed"))
            .POST(HttpRequest.BodyPublishers.ofByteArray(content))
            .build();

    Api.Reply reply = api().send(request);

    assertEquals(200, reply.status(), reply.body());
    assertTrue(reply.json().getString("loc").endsWith("/depot/api/files/" + prefix + "/seed/s.bin"), reply.body());
    assertEquals(Digests.sha256(content), Digests.sha256(ItDirs.results().resolve(prefix + "/seed/s.bin")));
  }

  @Test
  void traversalAttemptsAreRejectedAndWriteNothing() {
    Map<Path, Long> before = ItDirs.files(ItDirs.base().resolve("results"));
    List<String> hostile =
        List.of(
            "../x",
            "a/../../x",
            "%2e%2e/x",
            "%2E%2E/%2e%2e/x",
            "a/%2e%2e/%2e%2e/x",
            "..%2fx",
            "a%5c..%5c..%5cx",
            "x%00y",
            "%2fetc%2fx",
            "%2Fetc/x",
            "a/./b",
            "a//b",
            "%EF%BC%8E%EF%BC%8E/x"); // full-width dots
    for (String path : hostile) {
      Api.Reply reply = api().put(path, "evil".getBytes(StandardCharsets.UTF_8));
      if (!reply.contentType().startsWith("application/problem+json")) {
        // Payara itself refuses some of these before any application sees them: encoded dot-segments
        // that climb above the application (a 403 page), an encoded NUL (a 400 page). Such a request
        // never reaches Depot; anything that does must get Depot's own 400.
        assertTrue(reply.status() == 400 || reply.status() == 403, () -> path + " -> " + reply.status() + " " + reply.body());
        continue;
      }
      assertEquals(400, reply.status(), () -> path + " -> " + reply.body());
      assertEquals("INVALID_PATH", reply.json().getString("code"), path);
    }
    HttpRequest seedTraversal =
        HttpRequest.newBuilder(api().uri("stream?filename=x&filedir=..%2F..%2Fescape"))
            .POST(HttpRequest.BodyPublishers.ofString("evil"))
            .build();
    assertProblem(api().send(seedTraversal), 400, "INVALID_PATH");
    HttpRequest absolute =
        HttpRequest.newBuilder(api().uri("stream?filename=x&filedir=%2Fetc"))
            .POST(HttpRequest.BodyPublishers.ofString("evil"))
            .build();
    assertProblem(api().send(absolute), 400, "INVALID_PATH");
    assertProblem(api().post("files", new Multipart().field("dir", "../up").file("f", "x.txt", new byte[1])), 400, "INVALID_PATH");

    assertEquals(before, ItDirs.files(ItDirs.base().resolve("results")));
    assertFalse(Files.exists(ItDirs.base().resolve("x")));
    assertFalse(Files.exists(ItDirs.base().resolve("escape")));
  }

  @Test
  void aCorpusOfHostileNamesAndPlantedLinksWritesNothingOutsideTheResultsDirectory() throws Exception {
    Path outside = Files.createDirectories(ItDirs.base().resolve("outside-" + prefix));
    Path planted = Files.createDirectories(ItDirs.results().resolve(prefix));
    Files.createSymbolicLink(planted.resolve("link-dir"), outside);
    Files.createSymbolicLink(planted.resolve("link-file"), outside.resolve("target.txt"));
    Files.createSymbolicLink(planted.resolve("link-up"), Path.of(".."));

    List<String> names = new java.util.ArrayList<>();
    String[] dots = {"..", "%2e%2e", "%2E%2E", ".%2e", "%2e.", "%252e%252e", "%c0%ae%c0%ae", "%EF%BC%8E%EF%BC%8E", "..%00", "..%20"};
    String[] seps = {"/", "%2f", "%2F", "%5c", "%5C", "%252f", "%EF%BC%8F", "%5c%5c"};
    for (String d : dots) {
      for (String sep : seps) {
        names.add(d + sep + "x");
        names.add("a" + sep + d + sep + d + sep + "x");
      }
    }
    for (String reserved : new String[] {"con", "NUL", "aux.txt", "COM1", "lpt9.log", "prn"}) {
      names.add(reserved);
      names.add("dir/" + reserved);
    }
    for (String bad : new String[] {"%00", "a%00b", "%0a", "%0d%0a", "%7f", "%e2%80%ae", "%e2%80%8b", "%ef%bf%bd", "%ed%a0%80", "a%09b"}) {
      names.add(bad);
      names.add("dir/" + bad + ".txt");
    }
    names.add("a".repeat(256));
    names.add(("b".repeat(200) + "/").repeat(6) + "x");
    names.add("trailing.");
    names.add("trailing%20");
    names.add("%20leading");
    names.add(".depot-tmp/x");
    names.add(prefix + "/link-dir/x.txt");
    names.add(prefix + "/link-file");
    names.add(prefix + "/link-up/escape.txt");
    names.add(prefix + "/link-up/" + prefix + "/link-dir/x.txt");
    assertTrue(names.size() >= 200, "corpus has " + names.size() + " names");

    Map<Path, Long> before = ItDirs.files(ItDirs.base());
    List<String> storedLiterally = new java.util.ArrayList<>();
    for (String name : names) {
      Api.Reply reply = api().put(name, "evil".getBytes(StandardCharsets.UTF_8));
      if (reply.status() / 100 == 2) {
        // Double-encoded names ("%252e%252e") are decoded once, as they must be: the result is a plain
        // name with percent signs in it, stored where it says, inside the results directory.
        String stored = reply.json().getString("path");
        assertTrue(List.of(stored.split("/")).stream().noneMatch(seg -> seg.equals("..") || seg.equals(".")), stored);
        assertTrue(Files.isRegularFile(ItDirs.results().resolve(stored)), stored);
        storedLiterally.add(stored);
      } else {
        assertTrue(reply.status() == 400 || reply.status() == 403 || reply.status() == 409, name + " -> " + reply.status());
      }
    }
    System.out.println("hostile-name corpus: " + names.size() + " names, stored as literal names: " + storedLiterally);
    Api.Reply viaMultipart = api().post("files", new Multipart().field("dir", prefix + "/link-dir").file("f", "x.txt", new byte[1]));
    assertProblem(viaMultipart, 400, "INVALID_PATH");

    assertTrue(storedLiterally.stream().allMatch(p -> p.contains("%")), "only literal percent names stored: " + storedLiterally);
    try (java.util.stream.Stream<Path> s = Files.list(outside)) {
      assertEquals(0, s.count(), "files written through a planted link");
    }
    Map<Path, Long> after = ItDirs.files(ItDirs.base());
    after.keySet().removeIf(p -> p.startsWith(ItDirs.base().resolve("server")) || p.startsWith(ItDirs.base().resolve("tmp")));
    before.keySet().removeIf(p -> p.startsWith(ItDirs.base().resolve("server")) || p.startsWith(ItDirs.base().resolve("tmp")));
    after.keySet().removeIf(p -> storedLiterally.stream().anyMatch(l -> p.equals(ItDirs.results().resolve(l))));
    assertEquals(before, after, "no file appeared anywhere else");
  }

  @Test
  void clientMistakesAreProblemJsonWithoutServerPaths() {
    Api.Reply reply = api().put("a/../../x", new byte[1]);

    assertProblem(reply, 400, "INVALID_PATH");
    JsonObject problem = reply.json();
    assertFalse(problem.getString("title").isBlank());
    assertFalse(problem.getString("detail").isBlank());
    assertFalse(reply.body().contains(ItDirs.base().toString()), reply.body());
  }

  @Test
  void putOntoADirectoryIsAConflict() {
    api().put(prefix + "/d/f.txt", new byte[1]);

    assertProblem(api().put(prefix + "/d", new byte[1]), 409, "PATH_CONFLICT");
    assertProblem(api().put(prefix + "/d/f.txt/under-a-file", new byte[1]), 409, "PATH_CONFLICT");
  }

  @Test
  void malformedMultipartIsABadRequest() {
    HttpRequest garbage =
        HttpRequest.newBuilder(api().uri("files"))
            .POST(HttpRequest.BodyPublishers.ofString("this is not multipart"))
            .header("Content-Type", "multipart/form-data; boundary=xyz")
            .build();
    assertProblem(api().send(garbage), 400, "MALFORMED_MULTIPART");

    HttpRequest noBoundary =
        HttpRequest.newBuilder(api().uri("files"))
            .POST(HttpRequest.BodyPublishers.ofString("--x\r\n"))
            .header("Content-Type", "multipart/form-data")
            .build();
    assertProblem(api().send(noBoundary), 400, "MALFORMED_MULTIPART");

    Multipart truncated = new Multipart().file("f", prefix + "-truncated.bin", new byte[1000]);
    HttpRequest cut =
        HttpRequest.newBuilder(api().uri("files"))
            .POST(HttpRequest.BodyPublishers.ofByteArray(java.util.Arrays.copyOf(truncated.toBytes(), 600)))
            .header("Content-Type", truncated.contentType())
            .build();
    assertProblem(api().send(cut), 400, "MALFORMED_MULTIPART");
    assertFalse(Files.exists(ItDirs.results().resolve(prefix + "-truncated.bin")));
  }

  @Test
  void anUnsupportedMethodIsAProblemThatStillNamesTheAllowedOnes() {
    HttpResponse<String> response = api().exchange(
        api().file(prefix + "/x.bin").method("PATCH", HttpRequest.BodyPublishers.ofString("x")).build(),
        HttpResponse.BodyHandlers.ofString());

    assertEquals(405, response.statusCode(), response.body());
    assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"));
    String allow = String.join(",", response.headers().allValues("Allow")).toUpperCase(java.util.Locale.ROOT);
    for (String method : List.of("GET", "HEAD", "PUT", "DELETE")) {
      assertTrue(allow.contains(method), "Allow: " + allow);
    }
  }

  @Test
  void multipartWithoutFilePartsIsRejected() {
    assertProblem(api().post("files", new Multipart().field("dir", prefix)), 400, "MISSING_FILE_PART");
  }

  /** Issue 11, item 9: decomposed and composed spellings of one name are one file, kept in NFC. */
  @Test
  void decomposedAndComposedSpellingsOfANameAreOneFile() {
    String nfd = prefix + "/cafe%CC%81.txt"; // e + combining acute, as macOS spells it
    String nfc = prefix + "/caf%C3%A9.txt";

    Api.Reply first = api().put(nfd, "first".getBytes(StandardCharsets.UTF_8));
    Api.Reply second = api().put(nfc, "second".getBytes(StandardCharsets.UTF_8));

    assertEquals(201, first.status(), first.body());
    assertEquals(200, second.status(), "the same file: " + second.body());
    assertEquals(prefix + "/caf\u00e9.txt", second.json().getString("path"));
    assertEquals("second", api().send(api().file(nfd).GET().build()).body());
    assertEquals(1, api().send(HttpRequest.newBuilder(api().uri("files?prefix=" + prefix + "/")).GET().build()).json().getJsonArray("items").size());
  }

  /**
   * Issue 11, item 8: a parent directory swapped for a link to an outside directory, again and again,
   * while clients write, read and delete below it. Nothing outside the results directory is read,
   * written or removed, and no request fails with a 500.
   */
  @Test
  void aParentSwappedForALinkWhileRequestsRunNeverLeadsOutside() throws Exception {
    Path outside = Files.createTempDirectory(ItDirs.base(), "outside-");
    Files.createDirectories(outside.resolve("sub"));
    Files.writeString(outside.resolve("sub/secret.txt"), "outside the results directory");
    Path race = ItDirs.results().resolve(prefix + "/race");
    Path parked = ItDirs.results().resolve(prefix + "/parked");
    Files.createDirectories(race);
    java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
    Thread swapper = new Thread(() -> {
      while (!stop.get()) {
        try {
          if (Files.isSymbolicLink(race)) {
            Files.delete(race);
            if (Files.isDirectory(parked)) {
              Files.move(parked, race);
            }
          } else if (Files.isDirectory(race)) {
            Files.move(race, parked);
            Files.createSymbolicLink(race, outside);
          }
        } catch (java.io.IOException ignored) {
          // Depot moved something meanwhile: swap again
        }
      }
    });
    swapper.start();
    java.util.Map<Integer, Integer> statuses = new java.util.TreeMap<>();
    try {
      for (int i = 0; i < 300; i++) {
        String name = prefix + "/race/sub/f" + i + ".txt";
        statuses.merge(api().put(name, ("inside " + i).getBytes(StandardCharsets.UTF_8)).status(), 1, Integer::sum);
        Api.Reply secret = api().send(api().file(prefix + "/race/sub/secret.txt").GET().build());
        assertFalse(secret.body().contains("outside the results directory"), "read a file outside");
        statuses.merge(secret.status(), 1, Integer::sum);
        statuses.merge(api().send(api().file(prefix + "/race/sub/secret.txt").DELETE().build()).status(), 1, Integer::sum);
        statuses.merge(api().send(api().file(name).DELETE().build()).status(), 1, Integer::sum);
      }
    } finally {
      stop.set(true);
      swapper.join();
    }
    System.out.println("link-swap race: statuses " + statuses);
    try (java.util.stream.Stream<Path> out = Files.walk(outside)) {
      assertEquals(List.of(outside, outside.resolve("sub"), outside.resolve("sub/secret.txt")), out.sorted().toList(),
          "nothing written to or removed from outside");
    }
    assertEquals("outside the results directory", Files.readString(outside.resolve("sub/secret.txt")));
    assertFalse(statuses.keySet().stream().anyMatch(s -> s >= 500), "no 5xx: " + statuses);
    assertTrue(statuses.getOrDefault(201, 0) > 0, "some writes got through between swaps: " + statuses);
  }

  /** Issue 11, item 11: a NUL in a part's file name is the client's bad path, not a 500. */
  @Test
  void aNulInAMultipartFileNameIsAnInvalidPath() {
    Api.Reply reply = api().post("files", new Multipart().field("dir", prefix).file("f", "evil\u0000.txt", new byte[] {1}));

    assertProblem(reply, 400, "INVALID_PATH");
    assertFalse(Files.exists(ItDirs.results().resolve(prefix)));
  }

  /** Issue 11, item 10: a path deeper than depot.max-path-depth (32) makes no directory at all. */
  @Test
  void aPathDeeperThanTheLimitIsRefusedAndMakesNoDirectory() {
    String deep = prefix + "/" + "d/".repeat(40) + "f.txt";

    assertProblem(api().put(deep, new byte[0]), 400, "INVALID_PATH");

    assertFalse(Files.exists(ItDirs.results().resolve(prefix)));
    assertEquals(201, api().put(prefix + "/" + "d/".repeat(30) + "f.txt", new byte[0]).status());
  }

  static void assertProblem(Api.Reply reply, int status, String code) {
    assertEquals(status, reply.status(), reply.body());
    assertTrue(reply.contentType().startsWith("application/problem+json"), reply.contentType() + " " + reply.body());
    JsonObject problem = reply.json();
    assertEquals(status, problem.getInt("status"));
    assertEquals(code, problem.getString("code"), reply.body());
  }
}
