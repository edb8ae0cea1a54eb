package dev.depot.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.depot.it.Api;
import dev.depot.it.Deployments;
import dev.depot.it.ItDirs;
import dev.depot.it.Multipart;
import dev.depot.it.RandomBytes;
import dev.depot.it.Users;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
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
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
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
 * The web page at {@code /depot/}, in a real headless Chromium (Debian's, driven by playwright-core
 * from src/test/node/web-page.mjs): what a person does with it, judged against the server.
 *
 * <ul>
 *   <li>Three files (one dropped, two picked, one of 200 MiB) whose bars reach 100%, listed, with the
 *       source's SHA-256 on the page; the network is cut mid-way through the big one (a relay between
 *       browser and server resets every connection and refuses new ones for three seconds) and the
 *       upload goes on from the server's offset: fewer than 1.3 × its size reach the server in all.
 *       This one runs on WildFly too.
 *   <li>A directory of 1,000 files paged through (50 a page), a download compared byte for byte, a
 *       delete confirmed (and one cancelled).
 *   <li>Upload, details and delete by keyboard alone, with visible focus.
 *   <li>Pause holds a running upload and Resume goes on; Cancel while every PATCH fails leaves it
 *       cancelled and ended on the server; a folder keeps its inner paths; a file over the server's
 *       limit is refused by the page itself; a create-only conflict shows the server's problem detail;
 *       without tus the page falls back to multipart; a session that ends while the page is open
 *       brings the sign-in form back, and the page goes on after signing in. A name with {@code #}, {@code %}, a space and
 *       a non-ASCII letter goes through upload, listing, details and download links.
 *   <li>axe-core on every state: no serious or critical violation. Screenshots of each state, desktop
 *       and phone, under target/web-page-screenshots/.
 * </ul>
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class WebPageIT {

  private static final long MIB = 1L << 20;

  @Deployment(testable = false)
  static WebArchive deployment() {
    return Deployments.war();
  }

  @ArquillianResource URL base;

  private final String run = "web-" + UUID.randomUUID().toString().substring(0, 8);
  private Path work;

  @BeforeEach
  void work() throws IOException {
    work = Files.createDirectories(ItDirs.base().resolve(run));
  }

  @AfterEach
  void cleanUp() throws IOException {
    Api api = new Api(base);
    String cursor = null;
    do { // everything the test stored, through the listing (the big file is 200 MiB of the suite's disk)
      JsonObject page = api.send(HttpRequest.newBuilder(api.uri("files?limit=1000&prefix=" + run + "/"
          + (cursor == null ? "" : "&cursor=" + cursor))).build()).json();
      for (JsonValue item : page.getJsonArray("items")) {
        api.send(api.file(encoded(item.asJsonObject().getString("path"))).DELETE().build());
      }
      cursor = page.isNull("next") ? null : page.getString("next");
    } while (cursor != null);
    try (var files = Files.walk(work)) {
      for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(f);
      }
    }
  }

  @Test
  void pageAndScriptsCarryASecurityPolicyWithoutInlineScript() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    URI app = Deployments.loopback(base);
    for (String file : List.of("", "index.html", "app.css", "js/app.js", "js/uploads.js", "js/browse.js", "js/api.js",
        "js/format.js", "vendor/tus-js-client/tus.min.js")) {
      HttpResponse<String> page = http.send(HttpRequest.newBuilder(app.resolve(file)).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, page.statusCode(), file);
      String csp = page.headers().firstValue("Content-Security-Policy").orElse("");
      assertTrue(csp.contains("script-src 'self'") && !csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"), file + ": " + csp);
      assertTrue(csp.contains("frame-ancestors 'none'"), csp);
      assertEquals("nosniff", page.headers().firstValue("X-Content-Type-Options").orElse(null), file);
      assertEquals("no-referrer", page.headers().firstValue("Referrer-Policy").orElse(null), file);
      if (file.isEmpty()) {
        assertTrue(page.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
        // every script has a src; no event-handler attributes, no style attributes
        assertFalse(Pattern.compile("<script(?![^>]*\\ssrc=)[^>]*>").matcher(page.body()).find(), "inline <script>");
        assertFalse(Pattern.compile("\\son[a-z]+=", Pattern.CASE_INSENSITIVE).matcher(page.body()).find(), "inline handler");
        assertFalse(page.body().contains(" style="), "inline style");
        assertFalse(page.body().contains("//cdn") || page.body().contains("https://"), "everything from the WAR");
      }
    }
    // The page's scripted requests get a 401 that names no Basic scheme: no browser login dialog.
    HttpResponse<String> scripted = http.send(HttpRequest.newBuilder(app.resolve("api/session"))
        .header("X-Requested-With", "XMLHttpRequest").build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(401, scripted.statusCode());
    assertTrue(scripted.headers().allValues("WWW-Authenticate").stream().noneMatch(v -> v.startsWith("Basic")),
        scripted.headers().allValues("WWW-Authenticate").toString());
    assertFalse(scripted.headers().allValues("WWW-Authenticate").isEmpty(), "a 401 still names a scheme (RFC 9110)");
    HttpResponse<String> plain = http.send(HttpRequest.newBuilder(app.resolve("api/session")).build(), HttpResponse.BodyHandlers.ofString());
    assertTrue(plain.headers().allValues("WWW-Authenticate").stream().anyMatch(v -> v.startsWith("Basic")), "curl still gets Basic");
  }

  @Test
  void uploadsThreeFilesIncluding200MibAndResumesAfterTheNetworkIsCut() throws Exception {
    Path small = source("notes #1 ü%.txt", 10 * 1024, 151); // a name that must be encoded everywhere
    Path medium = source("medium.bin", 5 * MIB, 152);
    Path big = source("big.bin", 200 * MIB, 153);

    JsonObject result = node("upload", "--dir", run, "--small", small.toString(), "--medium", medium.toString(), "--big", big.toString());

    for (JsonValue bar : result.getJsonArray("progress")) {
      JsonObject b = bar.asJsonObject();
      assertEquals("done", b.getString("state"), b.toString());
      assertEquals(100, b.getInt("value"), b.toString());
      assertEquals("100%", b.getString("percent"), b.toString());
    }
    assertEquals(3, result.getJsonArray("progress").size());
    List<String> listed = strings(result.getJsonArray("listed"));
    Api api = new Api(base);
    for (Path file : List.of(small, medium, big)) {
      String path = run + "/" + file.getFileName();
      assertTrue(listed.contains(path), path + " in the listing " + listed);
      JsonObject details = result.getJsonObject("details").getJsonObject(file.getFileName().toString());
      byte[] sha = sha256(file);
      assertEquals(HexFormat.of().formatHex(sha), details.getString("sha256"), "the page shows the source's SHA-256");
      assertEquals("sha-256=:" + Base64.getEncoder().encodeToString(sha) + ":", details.getString("reprDigest"));
      assertEquals(Users.WRITER, details.getString("createdBy"));
      assertTrue(details.getString("curl").contains("/depot/api/files/" + encoded(path)), details.getString("curl"));
      assertEquals(HexFormat.of().formatHex(sha), api.send(HttpRequest.newBuilder(api.uri("metadata/" + encoded(path))).build()).json().getString("sha256"));
    }

    // Pause held the upload still; Resume went on from there.
    assertTrue(result.getBoolean("pauseHeld"), "no progress while paused at " + result.getInt("pausedAt") + "%");

    // The cut hit the big upload mid-way, the page said so, and it went on from the server's offset.
    assertTrue(result.getInt("cutAtPercent") >= 30 && result.getInt("cutAtPercent") < 100, result.toString());
    assertTrue(Set.of("retrying", "error").contains(result.getString("stateAfterCut")), result.getString("stateAfterCut"));
    long toServer = result.getJsonNumber("bytesToServer").longValue();
    long sizes = Files.size(small) + Files.size(medium) + Files.size(big);
    assertTrue(toServer >= sizes, "the relay counted every byte: " + toServer);
    assertTrue(toServer - Files.size(small) - Files.size(medium) < Files.size(big) * 13 / 10,
        "resumed, not started over: " + toServer + " bytes reached the server for " + sizes);

    // The share link serves the file without credentials (through the server itself: the relay the
    // page went through, whose address the link carries, is gone).
    URI share = URI.create(result.getString("shareUrl"));
    assertTrue(share.getRawQuery().contains("depot-signature="), share.toString());
    URI direct = Deployments.loopback(base).resolve(share.getRawPath() + "?" + share.getRawQuery());
    HttpResponse<InputStream> shared = HttpClient.newHttpClient().send(HttpRequest.newBuilder(direct).build(),
        HttpResponse.BodyHandlers.ofInputStream());
    assertEquals(200, shared.statusCode());
    MessageDigest digest = MessageDigest.getInstance("SHA-256");
    try (InputStream body = shared.body()) {
      byte[] buffer = new byte[1 << 20];
      for (int n; (n = body.read(buffer)) > 0; ) {
        digest.update(buffer, 0, n);
      }
    }
    assertEquals(HexFormat.of().formatHex(sha256(big)), HexFormat.of().formatHex(digest.digest()), "the shared file is the big one");

    assertTrue(result.getBoolean("inlineScriptBlocked"), "the CSP stops inline script in the browser");
    assertAccessible(result);
  }

  @Test
  void browsesADirectoryOfAThousandFilesPageByPageDownloadsAndDeletes() throws Exception {
    assumeTrue(onPayaraMicro(), "one browser test on WildFly is enough: the upload test runs there");
    Api api = new Api(base);
    List<String> expected = new ArrayList<>();
    byte[] downloaded = null;
    for (int from = 0; from < 1000; from += 99) { // Depot takes at most 100 parts a request by default
      Multipart body = new Multipart().field("dir", run + "/many");
      for (int i = from; i < Math.min(from + 99, 1000); i++) {
        String name = String.format("%04d.bin", i);
        byte[] content = (name + " " + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8);
        if (i == 21) {
          downloaded = content;
        }
        body.file("file", name, content);
        expected.add(run + "/many/" + name);
      }
      assertEquals(201, api.post("files", body).status());
    }
    api.put(run + "/top.txt", "beside the directory".getBytes(StandardCharsets.UTF_8));

    JsonObject result = node("browse", "--dir", run, "--download", "0021.bin", "--delete", "0007.bin", "--keep", "0008.bin");

    assertEquals(expected, strings(result.getJsonArray("paths")), "every file once, in order, a page at a time");
    assertEquals(20, result.getJsonArray("pages").size());
    assertTrue(result.getJsonArray("pages").getValuesAs(jakarta.json.JsonNumber.class).stream().allMatch(n -> n.intValue() == 50));
    assertTrue(result.getBoolean("previousPageSame"));
    assertEquals(new String(downloaded, StandardCharsets.UTF_8), Files.readString(Path.of(result.getString("downloaded"))));
    assertEquals(404, api.send(api.file(run + "/many/0007.bin").method("HEAD", HttpRequest.BodyPublishers.noBody()).build()).status());
    assertEquals(200, api.send(api.file(run + "/many/0008.bin").method("HEAD", HttpRequest.BodyPublishers.noBody()).build()).status(),
        "cancelled in the dialog: kept");
    assertFalse(strings(result.getJsonArray("afterDelete")).contains(run + "/many/0007.bin"));
    assertAccessible(result);
  }

  @Test
  void uploadsShowsDetailsAndDeletesByKeyboardAlone() throws Exception {
    assumeTrue(onPayaraMicro(), "one browser test on WildFly is enough: the upload test runs there");
    Path file = source("keyboard.txt", 4096, 154);

    JsonObject result = node("keyboard", "--dir", run, "--small", file.toString());

    assertEquals("solid", result.getString("focusOutline"), "focus is visible");
    assertEquals(HexFormat.of().formatHex(sha256(file)), result.getString("detailsSha256"));
    assertEquals("Details of keyboard.txt", result.getString("focusAfterClose"), "closing details returns focus to where it was");
    assertEquals("confirm-cancel", result.getString("dialogFocus"), "the dialog opens on its safe choice");
    assertEquals("confirm-delete-button", result.getString("dialogFocusAfterTab"));
    Api api = new Api(base);
    assertEquals(404, api.send(api.file(run + "/keyboard.txt").method("HEAD", HttpRequest.BodyPublishers.noBody()).build()).status());
    assertAccessible(result);
  }

  @Test
  void refusalsCancelFoldersAndTheMultipartFallback() throws Exception {
    assumeTrue(onPayaraMicro(), "one browser test on WildFly is enough: the upload test runs there");
    Path file = source("existing.txt", 10 * 1024, 155);
    Path folder = Files.createDirectories(work.resolve("folder").resolve("sub")).getParent();
    Files.writeString(folder.resolve("a.txt"), "a in the folder");
    Files.writeString(folder.resolve("sub").resolve("b.txt"), "b in its subfolder");
    Api api = new Api(base);
    assertEquals(201, api.put(run + "/existing.txt", "already here".getBytes(StandardCharsets.UTF_8)).status());

    JsonObject result = node("controls", "--dir", run, "--small", file.toString(), "--folder", folder.toString());

    assertEquals("existing.txt is 10 KiB, larger than the server accepts (4.0 KiB).", result.getString("limitMessage"));
    assertEquals("A file is already stored at this path.", result.getString("conflictMessage"), "the server's problem detail");
    assertEquals("already here", new String(api.exchange(api.file(run + "/existing.txt").GET().build(),
        HttpResponse.BodyHandlers.ofByteArray()).body(), StandardCharsets.UTF_8), "create-only left the file alone");

    assertEquals("cancelled", result.getString("stateAfterCancel"), "no retry brings a cancelled upload back");
    assertEquals(List.of(204), result.getJsonArray("cancelDeletes").getValuesAs(jakarta.json.JsonNumber.class).stream()
        .map(jakarta.json.JsonNumber::intValue).toList(), "the page ended the upload on the server");
    assertEquals(404, api.send(api.file(run + "/cancelled/existing.txt").method("HEAD", HttpRequest.BodyPublishers.noBody()).build()).status());

    assertTrue(result.getBoolean("folderDone"));
    assertEquals("a in the folder", new String(api.exchange(api.file(run + "/folders/folder/a.txt").GET().build(),
        HttpResponse.BodyHandlers.ofByteArray()).body(), StandardCharsets.UTF_8));
    assertEquals("b in its subfolder", new String(api.exchange(api.file(run + "/folders/folder/sub/b.txt").GET().build(),
        HttpResponse.BodyHandlers.ofByteArray()).body(), StandardCharsets.UTF_8));

    assertTrue(result.getString("fallbackNotice").startsWith("Resumable uploads are not available"), result.getString("fallbackNotice"));
    assertTrue(result.getBoolean("fallbackPauseHidden"), "no pause without tus");
    assertEquals(HexFormat.of().formatHex(sha256(file)),
        api.send(HttpRequest.newBuilder(api.uri("metadata/" + run + "/fallback/existing.txt")).build()).json().getString("sha256"));

    assertEquals("Your session has ended. Sign in again to go on.", result.getString("sessionEndedMessage"));
    assertTrue(result.getBoolean("listedAfterSigningInAgain"));
    assertAccessible(result);
  }

  private static String encoded(String path) {
    return java.util.Arrays.stream(path.split("/"))
        .map(s -> java.net.URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20"))
        .collect(java.util.stream.Collectors.joining("/"));
  }

  /** Every axe scan of the run: no serious or critical violation; and no uncaught script error. */
  private static void assertAccessible(JsonObject result) {
    JsonArray scans = result.getJsonArray("axe");
    assertFalse(scans.isEmpty(), "the page was scanned");
    for (JsonValue scan : scans) {
      for (JsonValue violation : scan.asJsonObject().getJsonArray("violations")) {
        String impact = violation.asJsonObject().getString("impact", "");
        assertFalse(impact.equals("serious") || impact.equals("critical"), scan.asJsonObject().getString("state") + ": " + violation);
      }
    }
    assertEquals(0, result.getJsonArray("pageErrors").size(), result.getJsonArray("pageErrors").toString());
    assertFalse(result.getJsonArray("screenshots").isEmpty());
  }

  private JsonObject node(String scenario, String... more) throws Exception {
    Path scripts = Path.of(System.getProperty("depot.node.dir", "src/test/node")).toAbsolutePath();
    Path shots = Files.createDirectories(Path.of("target", "web-page-screenshots", System.getProperty("arquillian.launch", "payara-micro"))).toAbsolutePath();
    Users.User writer = Users.get(Users.WRITER);
    List<String> command = new ArrayList<>(List.of("node", scripts.resolve("web-page.mjs").toString(), scenario,
        "--url", Deployments.loopback(base).toString(), "--user", writer.name(), "--password", writer.password(),
        "--shots", shots.toString(), "--work", work.toString()));
    command.addAll(List.of(more));
    Path log = work.resolve(scenario + ".log");
    Path stdout = work.resolve(scenario + ".json");
    Process process = new ProcessBuilder(command).directory(scripts.toFile()).redirectError(log.toFile()).redirectOutput(stdout.toFile()).start();
    if (!process.waitFor(10, TimeUnit.MINUTES)) {
      process.descendants().forEach(ProcessHandle::destroyForcibly); // Chromium
      process.destroyForcibly();
      throw new AssertionError("web-page.mjs " + scenario + " did not finish in 10 minutes: " + Files.readString(log));
    }
    String out = Files.readString(stdout);
    assertEquals(0, process.exitValue(), "web-page.mjs " + scenario + ": " + out + Files.readString(log));
    String last = out.strip().lines().reduce((a, b) -> b).orElseThrow();
    JsonObject result = Json.createReader(new StringReader(last)).readObject();
    System.out.println("web page " + scenario + ": " + last.substring(0, Math.min(2000, last.length())));
    assertNotNull(result.get("screenshots"));
    return result;
  }

  private static boolean onPayaraMicro() {
    return System.getProperty("arquillian.launch", "payara-micro").equals("payara-micro");
  }

  private static List<String> strings(JsonArray array) {
    return array.getValuesAs(jakarta.json.JsonString.class).stream().map(jakarta.json.JsonString::getString).toList();
  }

  /** A file of {@code size} random bytes from a seed, so a failure can be replayed. */
  private Path source(String name, long size, long seed) throws IOException {
    Path file = work.resolve(name);
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
