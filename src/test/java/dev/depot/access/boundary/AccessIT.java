package dev.depot.access.boundary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.depot.config.DepotSettings;
import dev.depot.it.Api;
import dev.depot.it.Deployments;
import dev.depot.it.SystemProperties;
import dev.depot.it.ItDirs;
import dev.depot.it.Multipart;
import dev.depot.it.RawHttp;
import dev.depot.it.Users;
import dev.depot.storage.control.SpaceAdmission;
import dev.depot.storage.control.StoredFiles;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Who may do what, on a real server with its own realm (Payara's file realm, WildFly's Elytron
 * ApplicationRealm; users from it-users.txt): every endpoint for anonymous callers, a reader, a writer,
 * an admin and two team members, with grants that give each team its directory; bearer tokens; signed
 * links; browser sessions and CSRF. In-container, so a test can set grants and keys (system
 * properties) and look at rows and reservations: a refused upload must leave no file, no row, no
 * reservation, and be answered before its body was sent.
 */
@ExtendWith(ArquillianExtension.class)
class AccessIT {

  /** The roles' defaults, plus each team's directory and a home directory per user. */
  static final String TEAM_GRANTS = String.join("\n",
      "group:depot-admin rwd *", "group:depot-writer rwd *", "group:depot-reader r *",
      "group:team-a rw team-a/", "group:team-b rw team-b/", "user:* rwd users/{name}/");

  @Deployment
  static WebArchive deployment() {
    return Deployments.withTestClients(Multipart.class, RawHttp.class, RawHttp.Connection.class, RawHttp.Response.class);
  }

  @Inject StoredFiles storedFiles;
  @Inject SpaceAdmission admission;
  @ArquillianResource URL base;

  private final String run = UUID.randomUUID().toString().substring(0, 8);
  private final SystemProperties properties = new SystemProperties();
  private Api writer;

  private void set(String key, String value) {
    properties.set(key, value);
  }

  @BeforeEach
  void grants() {
    set(DepotSettings.GRANTS, TEAM_GRANTS);
    writer = new Api(base);
  }

  @AfterEach
  void restore() {
    properties.restore();
  }

  private Api as(String user) {
    return user == null ? writer.anonymous() : writer.as(user);
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  // ---------------------------------------------------------------- the matrix

  /** Each caller × each operation on a file in team-a's directory: allowed or refused as the grants say. */
  @Test
  void everyEndpointObeysTheGrantsForEveryKindOfCaller() {
    String dir = "team-a/" + run;
    assertEquals(201, writer.put(dir + "/seed.txt", bytes("seed")).status());
    record Row(String user, int write, int read, int delete) {}
    List<Row> rows = List.of(
        new Row(null, 401, 401, 401),
        new Row(Users.READER, 403, 200, 403),
        new Row(Users.WRITER, 201, 200, 204),
        new Row(Users.ADMIN, 201, 200, 204),
        new Row(Users.ALICE, 201, 200, 403),
        new Row(Users.BOB, 403, 403, 403));
    for (Row row : rows) {
      Api api = as(row.user());
      String who = row.user() == null ? "anonymous" : row.user();
      String path = dir + "/" + who + ".txt";
      Api.Reply put = api.put(path, bytes(who));
      assertEquals(row.write(), put.status(), who + " PUT: " + put.body());
      Api.Reply multipart = api.post("files", new Multipart().field("dir", dir).file("file", who + "-mp.txt", bytes(who)));
      assertEquals(row.write(), multipart.status(), who + " multipart: " + multipart.body());
      Api.Reply stream = api.send(HttpRequest.newBuilder(api.uri("stream?filedir=" + dir + "&filename=" + who + "-stream.txt"))
          .POST(HttpRequest.BodyPublishers.ofByteArray(bytes(who))).header("Content-Type", "application/octet-stream").build());
      assertEquals(row.write() == 201 ? 200 : row.write(), stream.status(), who + " /stream: " + stream.body());
      if (row.write() != 201) {
        assertNoTrace(path);
        assertNoTrace(dir + "/" + who + "-mp.txt");
        assertNoTrace(dir + "/" + who + "-stream.txt");
        assertRefusal(put, row.write());
      }
      Api.Reply get = api.send(api.file(dir + "/seed.txt").GET().build());
      assertEquals(row.read(), get.status(), who + " GET: " + get.body());
      Api.Reply head = api.send(api.file(dir + "/seed.txt").method("HEAD", HttpRequest.BodyPublishers.noBody()).build());
      assertEquals(row.read(), head.status(), who + " HEAD");
      Api.Reply meta = api.send(HttpRequest.newBuilder(api.uri("metadata/" + dir + "/seed.txt")).GET().build());
      assertEquals(row.read(), meta.status(), who + " metadata: " + meta.body());
      Api.Reply list = api.send(HttpRequest.newBuilder(api.uri("files?prefix=" + dir + "/")).GET().build());
      if (row.read() == 200) {
        assertEquals(200, list.status(), who + " list: " + list.body());
        assertTrue(list.body().contains("seed.txt"), who + " list: " + list.body());
      } else if (row.user() == null) {
        assertEquals(401, list.status(), "anonymous list: " + list.body());
      } else {
        // bob may read elsewhere (team-b/, users/bob/): he may list, and sees nothing of team-a
        assertEquals(200, list.status(), who + " list: " + list.body());
        assertEquals(0, list.json().getJsonArray("items").size(), who + " sees nothing: " + list.body());
      }
      String victim = dir + "/victim-" + who + ".txt";
      assertEquals(201, writer.put(victim, bytes("v")).status());
      Api.Reply delete = api.send(api.file(victim).DELETE().build());
      assertEquals(row.delete(), delete.status(), who + " DELETE: " + delete.body());
      assertEquals(row.delete() == 204 ? 404 : 200, writer.send(writer.file(victim).GET().build()).status(), who + " after DELETE");
    }
  }

  @Test
  void theSeedUploadEndpointWritesAtTheTopSoOnlyWhoMayWriteThereMayUseIt() {
    String name = "seed-" + run + ".txt";
    for (String user : new String[] {null, Users.READER, Users.ALICE}) {
      Api api = as(user);
      Api.Reply reply = api.post("upload", new Multipart().file("upload_file", name, bytes("x")));
      assertEquals(user == null ? 401 : 403, reply.status(), user + ": " + reply.body());
      assertNoTrace(name);
    }
    assertEquals(200, writer.post("upload", new Multipart().file("upload_file", name, bytes("x"))).status());
  }

  @Test
  void everyUserWritesInTheirOwnHomeAndNoOneElses() {
    assertEquals(201, as(Users.BOB).put("users/bob/" + run + ".txt", bytes("b")).status());
    assertEquals(403, as(Users.BOB).put("users/alice/" + run + ".txt", bytes("b")).status());
    assertEquals(403, as(Users.ALICE).send(writer.file("users/bob/" + run + ".txt").GET().build()).status());
  }

  @Test
  void aListingHoldsOnlyWhatTheCallerMayRead() {
    assertEquals(201, writer.put("team-a/" + run + "/a.txt", bytes("a")).status());
    assertEquals(201, writer.put("team-b/" + run + "/b.txt", bytes("b")).status());
    Api.Reply all = as(Users.ALICE).send(HttpRequest.newBuilder(writer.uri("files?limit=1000&prefix=team-")).GET().build());
    assertEquals(200, all.status(), all.body());
    assertTrue(all.body().contains("team-a/" + run + "/a.txt"), all.body());
    assertFalse(all.body().contains("team-b/"), all.body());
  }

  @Test
  void rowsSayWhoCreatedAndWhoLastWroteAFile() {
    String path = "team-a/" + run + "/owned.txt";
    assertEquals(201, as(Users.ALICE).put(path, bytes("1")).status());
    JsonObject replaced = as(Users.ADMIN).put(path, bytes("2")).json();
    assertEquals(Users.ALICE, replaced.getString("createdBy"));
    assertEquals(Users.ADMIN, replaced.getString("modifiedBy"));
    JsonObject meta = writer.send(HttpRequest.newBuilder(writer.uri("metadata/" + path)).GET().build()).json();
    assertEquals(Users.ALICE, meta.getString("createdBy"));
    assertEquals(Users.ADMIN, meta.getString("modifiedBy"));
  }

  /** A refused upload is answered from its headers: the client never sent a byte of its 64 MiB body. */
  @Test
  void aRefusedUploadIsAnsweredBeforeItsBodyIsSent() throws Exception {
    URI server = URI.create(Deployments.loopback(base).toString());
    String app = server.getPath().endsWith("/") ? server.getPath() : server.getPath() + "/";
    long reservedBefore = admission.reserved();
    for (String auth : new String[] {"", "Authorization: " + Users.get(Users.READER).basic() + "\r\n"}) {
      String path = "team-a/" + run + "/early-" + auth.length() + ".bin";
      try (RawHttp.Connection connection = new RawHttp.Connection(server, Duration.ofSeconds(20))) {
        connection.send("PUT " + app + "api/files/" + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + auth
            + "Content-Type: application/octet-stream\r\nContent-Length: " + (64L << 20) + "\r\n\r\n");
        RawHttp.Response answer = connection.next();
        assertNotNull(answer, "an answer, not a closed connection");
        assertEquals(auth.isEmpty() ? 401 : 403, answer.status(), answer.toString());
        assertTrue(answer.headers().getOrDefault("content-type", "").startsWith("application/problem+json"), answer.toString());
        if (auth.isEmpty()) {
          assertTrue(answer.headers().getOrDefault("www-authenticate", "").contains("Basic"), answer.toString());
        }
      }
      assertNoTrace(path);
    }
    assertEquals(reservedBefore, admission.reserved(), "no space stays reserved");
  }

  @Test
  void aWrongPasswordIsA401AndTheServerKeepsServing() {
    Api.Reply wrong = writer.withAuthorization("Basic " + Base64.getEncoder().encodeToString(bytes(Users.WRITER + ":not-the-password")))
        .put("team-a/" + run + "/wrong.txt", bytes("x"));
    assertRefusal(wrong, 401);
    assertEquals("INVALID_CREDENTIALS", wrong.json().getString("code"));
    assertNoTrace("team-a/" + run + "/wrong.txt");
    Api.Reply garbage = writer.withAuthorization("Basic %%%").put("team-a/" + run + "/wrong.txt", bytes("x"));
    assertRefusal(garbage, 401);
    assertEquals(201, writer.put("team-a/" + run + "/right.txt", bytes("x")).status());
  }

  // ---------------------------------------------------------------- bearer tokens

  @Test
  void bearerTokensAreCheckedForSignatureExpiryIssuerAndGiveTheirGroups() throws Exception {
    KeyPair key = rsa();
    KeyPair other = rsa();
    set(DepotSettings.JWT_PUBLIC_KEY, pem(key));
    set(DepotSettings.JWT_ISSUER, "https://sso.example");
    String path = "team-a/" + run + "/jwt.txt";

    Api.Reply ok = bearer(token(key, "https://sso.example", "carol", List.of("team-a"), 300)).put(path, bytes("j"));
    assertEquals(201, ok.status(), ok.body());
    assertEquals("carol", ok.json().getString("createdBy"));

    for (String bad : List.of(
        token(key, "https://sso.example", "carol", List.of("team-a"), -120), // expired
        token(key, "https://evil.example", "carol", List.of("team-a"), 300), // wrong issuer
        token(other, "https://sso.example", "carol", List.of("team-a"), 300))) { // wrong key
      Api.Reply refused = bearer(bad).put(path, bytes("x"));
      assertRefusal(refused, 401);
      assertTrue(String.join(",", refused.body()).contains("INVALID_CREDENTIALS"), refused.body());
    }
    Api.Reply noGroups = bearer(token(key, "https://sso.example", "dave", null, 300)).put(path, bytes("x"));
    assertRefusal(noGroups, 403);
    assertEquals(201, bearer(token(key, "https://sso.example", "dave", null, 300)).put("users/dave/" + run + ".txt", bytes("d")).status(),
        "a token without groups is still a user");
    assertEquals("j", writer.send(writer.file(path).GET().build()).body(), "nothing refused replaced the file");
  }

  @Test
  void bearerTokensAreRefusedWhileNoKeyIsConfigured() throws Exception {
    set(DepotSettings.JWT_PUBLIC_KEY, "");
    assertRefusal(bearer(token(rsa(), "x", "carol", List.of(), 300)).put("team-a/" + run + "/nokey.txt", bytes("x")), 401);
  }

  private Api bearer(String token) {
    return writer.withAuthorization("Bearer " + token);
  }

  private static KeyPair rsa() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    return generator.generateKeyPair();
  }

  private static String pem(KeyPair key) {
    return "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getPublic().getEncoded())
        + "\n-----END PUBLIC KEY-----\n";
  }

  private static String token(KeyPair key, String issuer, String name, List<String> groups, long expiresInSeconds) throws Exception {
    JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().issuer(issuer).subject(name).claim("upn", name)
        .issueTime(Date.from(Instant.now().minusSeconds(Math.max(0, -expiresInSeconds) + 10)))
        .expirationTime(Date.from(Instant.now().plusSeconds(expiresInSeconds)));
    if (groups != null) {
      claims.claim("groups", groups);
    }
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).type(JOSEObjectType.JWT).build(), claims.build());
    jwt.sign(new RSASSASigner((RSAPrivateKey) key.getPrivate()));
    return jwt.serialize();
  }

  // ---------------------------------------------------------------- signed links

  @Test
  void aSignedGetLinkReadsOneFileWithoutCredentialsAndNothingElse() {
    String path = "team-a/" + run + "/shared.txt";
    assertEquals(201, writer.put(path, bytes("shared")).status());
    String url = link(as(Users.ALICE), path, "GET", null, null).getString("url");
    Api anonymous = writer.anonymous();

    HttpResponse<String> get = anonymous.exchange(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, get.statusCode(), get.body());
    assertEquals("shared", get.body());
    assertEquals(403, status(anonymous, HttpRequest.newBuilder(URI.create(url)).PUT(HttpRequest.BodyPublishers.ofString("x")).build()),
        "a GET link does not write");
    assertEquals(403, status(anonymous, HttpRequest.newBuilder(URI.create(url.replace("shared.txt", "other.txt"))).GET().build()),
        "another path");
    assertEquals(403, status(anonymous, HttpRequest.newBuilder(URI.create(url.replaceFirst("depot-expires=(\\d+)", "depot-expires=9$1"))).GET().build()),
        "a later expiry");
    assertEquals(403, status(anonymous, HttpRequest.newBuilder(URI.create(changedSignature(url))).GET().build()),
        "a changed signature");
    assertEquals(403, link(as(Users.BOB), path, "GET", null, null).getInt("status"), "bob may not read it, so may not share it");
  }

  @Test
  void aLinkToANameWithASemicolonWorks() {
    String path = "team-a/" + run + "/semi;colon,x=y.txt";
    assertEquals(201, writer.put("team-a/" + run + "/semi%3Bcolon%2Cx%3Dy.txt", bytes("s")).status());
    String url = link(writer, path, "GET", null, null).getString("url");
    HttpResponse<String> get = writer.anonymous().exchange(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, get.statusCode(), url + " " + get.body());
    assertEquals("s", get.body());
  }

  @Test
  void anExpiredLinkIsRefused() throws Exception {
    String path = "team-a/" + run + "/soon.txt";
    assertEquals(201, writer.put(path, bytes("s")).status());
    String url = link(writer, path, "GET", 1L, null).getString("url");
    Thread.sleep(2100);
    assertEquals(403, status(writer.anonymous(), HttpRequest.newBuilder(URI.create(url)).GET().build()));
  }

  @Test
  void aSignedPutLinkUploadsOneFileUpToItsMaxSize() throws Exception {
    String path = "team-a/" + run + "/dropbox.bin";
    String url = link(as(Users.ALICE), path, "PUT", null, 1000L).getString("url");
    Api anonymous = writer.anonymous();

    HttpRequest tooBig = HttpRequest.newBuilder(URI.create(url)).PUT(HttpRequest.BodyPublishers.ofByteArray(new byte[1001])).build();
    assertEquals(413, status(anonymous, tooBig));
    assertNoTrace(path);
    HttpRequest chunkedTooBig = HttpRequest.newBuilder(URI.create(url))
        .PUT(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(new byte[5000]))).build();
    assertEquals(413, status(anonymous, chunkedTooBig), "a chunked body over maxSize");
    assertNoTrace(path);
    HttpResponse<String> ok = anonymous.exchange(
        HttpRequest.newBuilder(URI.create(url)).PUT(HttpRequest.BodyPublishers.ofByteArray(new byte[1000])).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(201, ok.statusCode(), ok.body());
    JsonObject row = Json.createReader(new java.io.StringReader(ok.body())).readObject();
    assertEquals(Users.ALICE + " (link)", row.getString("modifiedBy"));
    assertEquals(412, status(anonymous, HttpRequest.newBuilder(URI.create(url)).header("If-None-Match", "*")
        .PUT(HttpRequest.BodyPublishers.ofByteArray(new byte[10])).build()), "conditional headers hold as for any PUT");
  }

  /** The URL with the signature's first character replaced by another one (never by itself). */
  private static String changedSignature(String url) {
    int at = url.indexOf("depot-signature=") + "depot-signature=".length();
    char other = url.charAt(at) == 'A' ? 'B' : 'A';
    return url.substring(0, at) + other + url.substring(at + 1);
  }

  private JsonObject link(Api api, String path, String method, Long expiresIn, Long maxSize) {
    StringBuilder json = new StringBuilder("{\"path\":\"" + path + "\",\"method\":\"" + method + "\"");
    if (expiresIn != null) {
      json.append(",\"expiresIn\":").append(expiresIn);
    }
    if (maxSize != null) {
      json.append(",\"maxSize\":").append(maxSize);
    }
    Api.Reply reply = api.send(HttpRequest.newBuilder(api.uri("links")).POST(HttpRequest.BodyPublishers.ofString(json.append('}').toString()))
        .header("Content-Type", "application/json").build());
    JsonObject body = reply.json();
    if (reply.status() == 201) {
      assertTrue(body.getString("url").startsWith("http"), reply.body());
      return body;
    }
    return body;
  }

  private static int status(Api api, HttpRequest request) {
    return api.exchange(request, HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  // ---------------------------------------------------------------- browser sessions

  @Test
  void aSessionCookieWithoutTheCsrfTokenCannotWriteAndAnotherSiteCannotEither() throws Exception {
    java.net.CookieManager cookies = new java.net.CookieManager();
    java.net.http.HttpClient browser = java.net.http.HttpClient.newBuilder().cookieHandler(cookies).version(java.net.http.HttpClient.Version.HTTP_1_1).build();
    URI session = writer.uri("session");
    Users.User alice = Users.get(Users.ALICE);
    HttpResponse<String> login = browser.send(HttpRequest.newBuilder(session)
        .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"" + alice.name() + "\",\"password\":\"" + alice.password() + "\"}"))
        .header("Content-Type", "application/json").build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, login.statusCode(), login.body());
    String setCookie = String.join(";", login.headers().allValues("Set-Cookie"));
    assertTrue(setCookie.toLowerCase(java.util.Locale.ROOT).contains("samesite=strict"), setCookie);
    assertTrue(setCookie.toLowerCase(java.util.Locale.ROOT).contains("httponly"), setCookie);
    String csrf = Json.createReader(new java.io.StringReader(login.body())).readObject().getString("csrfToken");

    Multipart form = new Multipart().field("dir", "team-a/" + run).file("file", "csrf.txt", bytes("c"));
    HttpResponse<String> forged = browser.send(HttpRequest.newBuilder(writer.uri("files")).POST(form.publisher())
        .header("Content-Type", form.contentType()).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(403, forged.statusCode(), forged.body());
    assertTrue(forged.body().contains("CSRF_REJECTED"), forged.body());
    assertNoTrace("team-a/" + run + "/csrf.txt");

    HttpResponse<String> crossSite = browser.send(HttpRequest.newBuilder(writer.uri("files")).POST(form.publisher())
        .header("Content-Type", form.contentType()).header("X-Depot-CSRF", csrf).header("Origin", "https://evil.example")
        .build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(403, crossSite.statusCode(), crossSite.body());
    assertNoTrace("team-a/" + run + "/csrf.txt");

    HttpResponse<String> own = browser.send(HttpRequest.newBuilder(writer.uri("files")).POST(form.publisher())
        .header("Content-Type", form.contentType()).header("X-Depot-CSRF", csrf).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(201, own.statusCode(), own.body());
    HttpResponse<String> who = browser.send(HttpRequest.newBuilder(session).GET().build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, who.statusCode(), who.body());
    assertTrue(who.body().contains("\"team-a\""), who.body());

    assertEquals(204, browser.send(HttpRequest.newBuilder(session).DELETE().header("X-Depot-CSRF", csrf).build(),
        HttpResponse.BodyHandlers.discarding()).statusCode());
    assertEquals(401, browser.send(HttpRequest.newBuilder(session).GET().build(), HttpResponse.BodyHandlers.discarding()).statusCode(),
        "signed out");
  }

  @Test
  void aWrongPasswordStartsNoSession() throws Exception {
    Api.Reply reply = writer.anonymous().send(HttpRequest.newBuilder(writer.uri("session"))
        .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"alice\",\"password\":\"nope\"}"))
        .header("Content-Type", "application/json").build());
    assertRefusal(reply, 401);
  }

  // ---------------------------------------------------------------- helpers

  private void assertNoTrace(String path) {
    assertTrue(storedFiles.findByPath(path).isEmpty(), "no row for " + path);
    assertFalse(Files.exists(ItDirs.results().resolve(path)), "no file for " + path);
  }

  private static void assertRefusal(Api.Reply reply, int status) {
    assertEquals(status, reply.status(), reply.body());
    assertTrue(reply.contentType().startsWith("application/problem+json"), reply.contentType());
    assertNull(reply.json().get("trace"));
  }
}
