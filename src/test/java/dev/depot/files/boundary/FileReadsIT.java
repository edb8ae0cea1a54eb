package dev.depot.files.boundary;

import static dev.depot.files.boundary.FilesResourceIT.assertProblem;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depot.it.Api;
import dev.depot.it.Deployments;
import dev.depot.it.Digests;
import dev.depot.it.ItDirs;
import dev.depot.it.RandomBytes;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.net.URI;
import java.net.URL;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.stream.Collectors;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Black-box tests of reading and managing stored files: downloads (whole, HEAD, each Range form, 416,
 * 304 on both validators, If-Range), metadata, delete, listing, and the served OpenAPI document.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class FileReadsIT {

  private static final DateTimeFormatter HTTP_DATE =
      DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);

  @Deployment(testable = false)
  static WebArchive deployment() {
    return Deployments.war();
  }

  @ArquillianResource URL base;

  private final String prefix = "reads-" + UUID.randomUUID();

  private Api api() {
    return new Api(base);
  }

  /** A stored file: its path as sent in URLs, its bytes and the upload's answer. */
  private record Stored(String rawPath, byte[] bytes, JsonObject json) {
    String etag() {
      return "\"" + json.getString("sha256") + "\"";
    }
  }

  private Stored store(String rawPath, int size) {
    byte[] bytes = RandomBytes.of(rawPath.hashCode(), size);
    Api.Reply reply = api().put(rawPath, HttpRequest.BodyPublishers.ofByteArray(bytes), "application/x-depot-test");
    assertEquals(201, reply.status(), reply.body());
    return new Stored(rawPath, bytes, reply.json());
  }

  private HttpResponse<byte[]> get(String rawPath, String... headers) {
    HttpRequest.Builder request = api().file(rawPath).GET();
    if (headers.length > 0) {
      request.headers(headers);
    }
    return api().exchange(request.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private static String header(HttpResponse<?> response, String name) {
    return response.headers().firstValue(name).orElse(null);
  }

  @Test
  void downloadEqualsTheUploadAndCarriesItsHeaders() {
    Stored file = store(prefix + "/docs/r%C3%A9sum%C3%A9%201.bin", 3 << 20);

    HttpResponse<byte[]> response = get(file.rawPath());

    assertEquals(200, response.statusCode());
    assertEquals(Digests.sha256(file.bytes()), Digests.sha256(response.body()));
    Instant modified = Instant.parse(file.json().getString("modified"));
    assertAll(
        () -> assertEquals(String.valueOf(file.bytes().length), header(response, "Content-Length")),
        () -> assertEquals("application/x-depot-test", header(response, "Content-Type")),
        () -> assertEquals(file.etag(), header(response, "ETag")),
        () -> assertEquals(HTTP_DATE.format(modified), header(response, "Last-Modified")),
        () -> assertEquals("bytes", header(response, "Accept-Ranges")),
        () -> assertEquals("sha-256=:" + base64(file.json().getString("sha256")) + ":", header(response, "Repr-Digest")),
        () -> assertEquals(
            "attachment; filename=\"r_sum_ 1.bin\"; filename*=UTF-8''r%C3%A9sum%C3%A9%201.bin",
            header(response, "Content-Disposition")),
        () -> assertEquals("nosniff", header(response, "X-Content-Type-Options")));
  }

  @Test
  void headSendsTheHeadersOfAGetAndNoBody() {
    Stored file = store(prefix + "/head.bin", 123_457);

    HttpResponse<byte[]> head =
        api().exchange(api().file(file.rawPath()).method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofByteArray());
    HttpResponse<byte[]> get = get(file.rawPath());

    assertEquals(200, head.statusCode());
    assertEquals(0, head.body().length);
    for (String name : List.of("Content-Length", "Content-Type", "ETag", "Last-Modified", "Accept-Ranges", "Content-Disposition", "Repr-Digest")) {
      assertEquals(header(get, name), header(head, name), name);
    }
    assertEquals("123457", header(head, "Content-Length"));
  }

  @Test
  void eachRangeFormGivesPartialContent() {
    Stored file = store(prefix + "/ranges.bin", 100_000);
    byte[] b = file.bytes();

    assertPartial(get(file.rawPath(), "Range", "bytes=0-99"), b, 0, 99);
    assertPartial(get(file.rawPath(), "Range", "bytes=99990-"), b, 99_990, 99_999); // open-ended
    assertPartial(get(file.rawPath(), "Range", "bytes=-25"), b, 99_975, 99_999); // suffix
    assertPartial(get(file.rawPath(), "Range", "bytes=50000-200000"), b, 50_000, 99_999); // clamped
    assertPartial(get(file.rawPath(), "Range", "bytes=-500000"), b, 0, 99_999); // suffix longer than the file
    // Several ranges are not served as multipart/byteranges: the whole file, as RFC 9110 allows.
    HttpResponse<byte[]> several = get(file.rawPath(), "Range", "bytes=0-1,5-6");
    assertEquals(200, several.statusCode());
    assertArrayEquals(b, several.body());
  }

  private static void assertPartial(HttpResponse<byte[]> response, byte[] whole, int first, int last) {
    assertEquals(206, response.statusCode());
    assertEquals("bytes " + first + "-" + last + "/" + whole.length, header(response, "Content-Range"));
    assertEquals(String.valueOf(last - first + 1), header(response, "Content-Length"));
    assertArrayEquals(Arrays.copyOfRange(whole, first, last + 1), response.body());
  }

  @Test
  void rangeStartingAtOrPastTheEndIsUnsatisfiable() {
    Stored file = store(prefix + "/short.bin", 1000);

    for (String range : List.of("bytes=1000-", "bytes=5000-6000", "bytes=-0")) {
      HttpResponse<byte[]> response = get(file.rawPath(), "Range", range);
      assertEquals(416, response.statusCode(), range);
      assertEquals("bytes */1000", header(response, "Content-Range"));
      assertProblem(reply(response), 416, "RANGE_NOT_SATISFIABLE");
    }
  }

  @Test
  void bothValidatorsGiveNotModified() {
    Stored file = store(prefix + "/cached.bin", 5000);
    String lastModified = header(get(file.rawPath()), "Last-Modified");

    HttpResponse<byte[]> byTag = get(file.rawPath(), "If-None-Match", file.etag());
    HttpResponse<byte[]> byDate = get(file.rawPath(), "If-Modified-Since", lastModified);

    assertEquals(304, byTag.statusCode());
    assertEquals(0, byTag.body().length);
    assertEquals(file.etag(), header(byTag, "ETag"));
    assertEquals(304, byDate.statusCode());
    assertEquals(200, get(file.rawPath(), "If-None-Match", "\"something-else\"").statusCode());
    String earlier = HTTP_DATE.format(Instant.parse(file.json().getString("modified")).minus(2, ChronoUnit.SECONDS));
    assertEquals(200, get(file.rawPath(), "If-Modified-Since", earlier).statusCode());
    // If-Match on a read: a stale version is a 412.
    assertProblem(reply(get(file.rawPath(), "If-Match", "\"stale\"")), 412, "PRECONDITION_FAILED");
  }

  @Test
  void ifRangeThatNoLongerMatchesSendsTheWholeFile() {
    Stored old = store(prefix + "/resumed.bin", 20_000);
    String oldDate = header(get(old.rawPath()), "Last-Modified");
    byte[] replaced = RandomBytes.of(99, 30_000);
    assertEquals(200, api().put(old.rawPath(), replaced).status());

    HttpResponse<byte[]> byTag = get(old.rawPath(), "Range", "bytes=10000-", "If-Range", old.etag());
    HttpResponse<byte[]> current = get(old.rawPath());
    HttpResponse<byte[]> matching = get(old.rawPath(), "Range", "bytes=10000-", "If-Range", header(current, "ETag"));

    assertEquals(200, byTag.statusCode());
    assertArrayEquals(replaced, byTag.body());
    assertEquals(206, matching.statusCode());
    assertArrayEquals(Arrays.copyOfRange(replaced, 10_000, 30_000), matching.body());
    if (!oldDate.equals(header(current, "Last-Modified"))) { // same second: the date cannot tell
      assertEquals(200, get(old.rawPath(), "Range", "bytes=10000-", "If-Range", oldDate).statusCode());
    }
  }

  @Test
  void ifRangeWithADateSendsTheWholeFileEvenWhenItIsTheCurrentDate() {
    // Two versions stored within one second share their Last-Modified: a range by date could splice
    // them, so only a strong entity tag lets If-Range serve a part.
    Stored file = store(prefix + "/by-date.bin", 20_000);
    String date = header(get(file.rawPath()), "Last-Modified");

    HttpResponse<byte[]> byDate = get(file.rawPath(), "Range", "bytes=10000-", "If-Range", date);
    HttpResponse<byte[]> weakTag = get(file.rawPath(), "Range", "bytes=10000-", "If-Range", "W/" + file.etag());

    assertEquals(200, byDate.statusCode());
    assertArrayEquals(file.bytes(), byDate.body());
    assertEquals(null, header(byDate, "Content-Range"));
    assertEquals(200, weakTag.statusCode());
    assertArrayEquals(file.bytes(), weakTag.body());
    assertEquals(206, get(file.rawPath(), "Range", "bytes=10000-", "If-Range", file.etag()).statusCode());
  }

  @Test
  void metadataIsWhatTheUploadAnswered() {
    Stored file = store(prefix + "/meta/data.bin", 777);

    Api.Reply reply = api().send(HttpRequest.newBuilder(api().uri("metadata/" + file.rawPath())).build());

    assertEquals(200, reply.status(), reply.body());
    assertEquals(file.json(), reply.json());
  }

  @Test
  void unknownPathsAreNotFoundProblems() {
    String missing = prefix + "/nothing-here.bin";

    assertProblem(reply(get(missing)), 404, "NOT_FOUND");
    assertProblem(api().send(HttpRequest.newBuilder(api().uri("metadata/" + missing)).build()), 404, "NOT_FOUND");
    assertProblem(api().send(api().file(missing).DELETE().build()), 404, "NOT_FOUND");
    HttpResponse<byte[]> head =
        api().exchange(api().file(missing).method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(404, head.statusCode());
  }

  @Test
  void deleteRemovesFileAndRow() {
    Stored file = store(prefix + "/dir/doomed.bin", 4096);

    HttpResponse<byte[]> deleted = api().exchange(api().file(file.rawPath()).DELETE().build(), HttpResponse.BodyHandlers.ofByteArray());

    assertEquals(204, deleted.statusCode());
    assertProblem(reply(get(file.rawPath())), 404, "NOT_FOUND");
    assertProblem(api().send(HttpRequest.newBuilder(api().uri("metadata/" + file.rawPath())).build()), 404, "NOT_FOUND");
    assertFalse(Files.exists(ItDirs.results().resolve(prefix + "/dir/doomed.bin")));
    assertFalse(Files.exists(ItDirs.results().resolve(prefix + "/dir")), "the directory it left empty is gone");
    assertEquals(List.of(), paths(list(prefix + "/dir/doomed", null, null)));
    assertEquals(201, api().put(file.rawPath(), new byte[] {1}).status(), "the path can be stored again");
    assertEquals(204, api().send(api().file(file.rawPath()).DELETE().build()).status());
    assertEquals(201, api().put(prefix + "/dir", new byte[] {2}).status(), "the directory's path can hold a file now");
  }

  @Test
  void listingPagesStayStableWhileFilesAreAdded() throws InterruptedException {
    String dir = prefix + "/list/";
    List<String> original = new ArrayList<>();
    for (int i = 0; i < 24; i += 2) {
      original.add(dir + String.format("f-%03d", i));
    }
    original.forEach(p -> assertEquals(201, api().put(p, new byte[] {1}).status()));
    api().put(prefix + "/lis", new byte[] {1}); // shares the prefix text but not the directory
    List<String> added = new ArrayList<>();
    // Meanwhile another writer keeps adding files at random places in the listing.
    Thread background = new Thread(() -> {
      java.util.Random random = new java.util.Random(7);
      for (int i = 0; i < 30; i++) {
        api().put(dir + String.format("f-%03d-bg%02d", random.nextInt(24), i), new byte[] {3});
      }
    }, "listing-writer");
    background.start();

    List<String> seen = new ArrayList<>();
    int pages = 0;
    String cursor = null;
    do {
      JsonObject page = list(dir, 5, cursor);
      pages++;
      List<String> items = paths(page);
      assertTrue(items.size() <= 5, items::toString);
      seen.addAll(items);
      cursor = page.isNull("next") ? null : page.getString("next");
      if (cursor != null && !items.isEmpty()) {
        // Between pages, a writer adds one file before the cursor and one after it.
        String last = items.get(items.size() - 1);
        String before = dir + "e" + last.substring(dir.length() + 1); // f-004 -> e-004
        for (String p : List.of(before, last + "-later")) {
          assertEquals(201, api().put(p, new byte[] {2}).status());
          added.add(p);
        }
      }
    } while (cursor != null && pages < 50);
    background.join(60_000);

    assertTrue(pages >= 3, "pages: " + pages);
    assertEquals(new HashSet<>(seen).size(), seen.size(), "no file listed twice: " + seen);
    assertTrue(seen.containsAll(original), "every file that existed throughout is listed: " + seen);
    assertTrue(seen.stream().allMatch(p -> p.startsWith(dir)), seen::toString);
    List<String> sorted = new ArrayList<>(seen);
    sorted.sort(null);
    assertEquals(sorted, seen, "path order");
    assertTrue(added.stream().filter(p -> p.endsWith("-later")).allMatch(seen::contains), "files added after the cursor show up later");
    assertTrue(added.stream().filter(p -> p.startsWith(dir + "e-")).noneMatch(seen::contains), "files added before the cursor do not come back");
  }

  @Test
  void listingPrefixIsLiteralAndParametersAreChecked() {
    String literal = prefix + "/100%25_off/a.txt";
    api().put(literal, new byte[] {1});
    api().put(prefix + "/100xxoff/b.txt", new byte[] {1});
    api().put(prefix + "/100%25Xoff/c.txt", new byte[] {1});

    assertEquals(List.of(prefix + "/100%_off/a.txt"), paths(list(prefix + "/100%_", null, null)));
    assertEquals(3, paths(list(prefix + "/100", 1000, null)).size());
    Api.Reply capped = api().send(HttpRequest.newBuilder(api().uri("files?limit=5000&prefix=" + enc(prefix))).build());
    assertEquals(200, capped.status(), capped.body());
    assertProblem(api().send(HttpRequest.newBuilder(api().uri("files?limit=0")).build()), 400, "INVALID_PARAMETER");
    assertProblem(api().send(HttpRequest.newBuilder(api().uri("files?limit=ten")).build()), 400, "INVALID_PARAMETER");
    assertProblem(api().send(HttpRequest.newBuilder(api().uri("files?cursor=%21%21")).build()), 400, "INVALID_PARAMETER");
  }

  /**
   * The listing bounds a prefix by a key range (PrefixRange): whatever character the prefix ends in, and
   * whatever order the database compares paths in (UTF-16 on H2, code points on PostgreSQL, which part
   * over full-width forms against characters above U+FFFF), every file with the prefix is listed, and
   * paging by cursor gives the order of one whole page.
   */
  @Test
  void listingFindsEveryFileWhateverCharacterThePrefixEndsIn() {
    String dir = prefix + "/chars/";
    List<String> names = List.of("e", "é", "x-y", "x.y", "x0", "z", "za", "zb/c", "z{", "Z",
        "\uD7FB", "\uFF01a", "\uFF5E", "😀", "😀x", "\uD83C\uDFFF", "\uD83D\uDC00");
    List<String> paths = names.stream().map(n -> dir + n).toList();
    for (String path : paths) {
      String raw = Arrays.stream(path.split("/")).map(FileReadsIT::enc).collect(Collectors.joining("/"));
      assertEquals(201, api().put(raw, new byte[] {1}).status(), path);
    }

    List<String> whole = paths(list(dir, 1000, null));
    List<String> paged = new ArrayList<>();
    String cursor = null;
    int pages = 0;
    do {
      JsonObject page = list(dir, 2, cursor);
      paged.addAll(paths(page));
      cursor = page.isNull("next") ? null : page.getString("next");
    } while (cursor != null && ++pages < 20);

    assertEquals(new HashSet<>(paths), new HashSet<>(whole));
    assertEquals(whole, paged, "pages by cursor follow the order of one page");
    for (String name : names) {
      for (int end = name.length(); end > 0; end = name.offsetByCodePoints(end, -1)) {
        String p = dir + name.substring(0, end);
        List<String> expected = whole.stream().filter(path -> path.startsWith(p)).toList();
        assertEquals(expected, paths(list(p, 1000, null)), "prefix " + p);
      }
    }
  }

  @Test
  void theServerServesAValidOpenApiDocumentOfEveryOperation() {
    URI openapi = Deployments.loopback(base).resolve("/openapi");

    HttpResponse<String> response =
        api().exchange(HttpRequest.newBuilder(openapi).header("Accept", "application/json").build(), HttpResponse.BodyHandlers.ofString());

    assertEquals(200, response.statusCode(), response.body());
    JsonObject json = Json.createReader(new StringReader(response.body())).readObject();
    assertEquals("Depot", json.getJsonObject("info").getString("title"));
    SwaggerParseResult parsed = OpenApiDocumentTest.parse(withoutServerAdditions(json).toString());
    assertEquals(List.of(), parsed.getMessages());
    // Compared as the URL paths a client calls: Payara keeps Depot's paths and names the context root
    // in "servers"; WildFly puts the context root in front of every path instead.
    String contextRoot = base.getPath().replaceAll("/+$", "");
    assertEquals(
        prefixed(contextRoot, OpenApiDocumentTest.operationsOf(OpenApiDocumentTest.RESOURCES)),
        prefixed(serverPath(parsed.getOpenAPI()), OpenApiDocumentTest.operationsOf(parsed.getOpenAPI())));
  }

  /** The path part of the document's first server URL ("" when it names none, or only "/"). */
  private static String serverPath(io.swagger.v3.oas.models.OpenAPI api) {
    if (api.getServers() == null || api.getServers().isEmpty()) {
      return "";
    }
    String path = URI.create(api.getServers().get(0).getUrl()).getPath();
    return path == null ? "" : path.replaceAll("/+$", "");
  }

  /** "GET /api/files" with {@code prefix} "/depot" becomes "GET /depot/api/files". */
  private static java.util.Set<String> prefixed(String prefix, java.util.Set<String> operations) {
    java.util.Set<String> result = new java.util.TreeSet<>();
    for (String operation : operations) {
      int space = operation.indexOf(' ');
      result.add(operation.substring(0, space + 1) + prefix + operation.substring(space + 1));
    }
    return result;
  }

  /**
   * The served document without what the server adds to every document on its own, so what is
   * validated is what Depot wrote. Payara adds a top-level "endpoints" map (its OpenAPIImpl), which
   * OpenAPI 3.0 does not allow; WildFly (SmallRye OpenAPI) adds empty "info.contact", "info.license"
   * and "externalDocs" objects, and an empty license (it requires a name) or externalDocs (a url) is
   * invalid. Only empty ones are taken out: a filled one would be Depot's and is validated.
   */
  private static JsonObject withoutServerAdditions(JsonObject served) {
    JsonObjectBuilder document = Json.createObjectBuilder(served).remove("endpoints");
    if (isEmptyObject(served.get("externalDocs"))) {
      document.remove("externalDocs");
    }
    JsonObjectBuilder info = Json.createObjectBuilder(served.getJsonObject("info"));
    for (String field : List.of("contact", "license")) {
      if (isEmptyObject(served.getJsonObject("info").get(field))) {
        info.remove(field);
      }
    }
    return document.add("info", info).build();
  }

  private static boolean isEmptyObject(JsonValue value) {
    return value instanceof JsonObject object && object.isEmpty();
  }

  private JsonObject list(String prefix, Integer limit, String cursor) {
    StringBuilder query = new StringBuilder("files?prefix=").append(enc(prefix));
    if (limit != null) {
      query.append("&limit=").append(limit);
    }
    if (cursor != null) {
      query.append("&cursor=").append(enc(cursor));
    }
    Api.Reply reply = api().send(HttpRequest.newBuilder(api().uri(query.toString())).build());
    assertEquals(200, reply.status(), reply.body());
    return reply.json();
  }

  private static List<String> paths(JsonObject page) {
    return page.getJsonArray("items").getValuesAs(JsonObject.class).stream().map(o -> o.getString("path")).toList();
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static String base64(String hex) {
    return Base64.getEncoder().encodeToString(HexFormat.of().parseHex(hex));
  }

  private static Api.Reply reply(HttpResponse<byte[]> response) {
    return new Api.Reply(
        response.statusCode(),
        header(response, "Content-Type") == null ? "" : header(response, "Content-Type"),
        header(response, "Location"),
        new String(response.body(), StandardCharsets.UTF_8));
  }
}
