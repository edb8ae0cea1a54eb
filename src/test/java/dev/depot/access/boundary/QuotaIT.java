package dev.depot.access.boundary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depot.access.control.Quota;
import dev.depot.access.control.UploadSlots;
import dev.depot.config.DepotSettings;
import dev.depot.files.control.QuotaAdmission;
import dev.depot.it.Api;
import dev.depot.it.Deployments;
import dev.depot.it.SystemProperties;
import dev.depot.it.ItDirs;
import dev.depot.it.Multipart;
import dev.depot.it.RandomBytes;
import dev.depot.it.RawHttp;
import dev.depot.it.Users;
import dev.depot.storage.control.StoredFiles;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Quotas and the cap on concurrent uploads, on a real server with its realm users (it-users.txt). In
 * container, so a test can set limits (system properties, restored after it) and look at rows,
 * reservations and upload slots. Other tests leave files behind under the same users, so every limit
 * is set relative to the user's usage when the test starts.
 */
@ExtendWith(ArquillianExtension.class)
class QuotaIT {

  /** AccessIT's grants: each team its directory, each user a home (AccessIT itself is not in this deployment). */
  static final String TEAM_GRANTS = String.join("\n",
      "group:depot-admin rwd *", "group:depot-writer rwd *", "group:depot-reader r *",
      "group:team-a rw team-a/", "group:team-b rw team-b/", "user:* rwd users/{name}/");

  @Deployment
  static WebArchive deployment() {
    return Deployments.withTestClients(Multipart.class, RawHttp.class, RawHttp.Connection.class, RawHttp.Response.class, RandomBytes.class);
  }

  @Inject StoredFiles storedFiles;
  @Inject QuotaAdmission quotas;
  @Inject UploadSlots slots;
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

  @Test
  void anUploadWhoseDeclaredLengthPassesTheQuotaIsAnsweredBeforeItsBodyAndLeavesNothing() throws Exception {
    long used = usage(Users.ALICE).getJsonNumber("bytes").longValue();
    set("depot.quota.user.alice.bytes", String.valueOf(used + 1000));
    String path = "team-a/" + run + "/declared.bin";
    try (RawHttp.Connection connection = new RawHttp.Connection(server(), Duration.ofSeconds(20))) {
      connection.send("PUT " + app() + "api/files/" + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: " + Users.get(Users.ALICE).basic()
          + "\r\nContent-Type: application/octet-stream\r\nContent-Length: " + (64L << 20) + "\r\n\r\n");
      RawHttp.Response answer = connection.next();
      assertNotNull(answer, "an answer, not a closed connection");
      assertProblem(answer.status(), answer.headers().getOrDefault("content-type", ""), answer.text(), 507, "QUOTA_EXCEEDED");
    }
    assertNoTrace(path);
    assertEquals(Quota.Usage.NONE, quotas.reserved(Users.ALICE), "no quota stays reserved");
    assertEquals(201, alice().put(path, new byte[1000]).status(), "exactly the allowance fits");
  }

  @Test
  void aChunkedBodyThatCrossesTheAllowanceIsCutOffAndLeavesNothing() throws Exception {
    long used = usage(Users.ALICE).getJsonNumber("bytes").longValue();
    set("depot.quota.user.alice.bytes", String.valueOf(used + (256 << 10)));
    Path work = Files.createTempDirectory(ItDirs.base(), "quota-");
    Path big = Files.write(work.resolve("big.bin"), RandomBytes.of(3, 8 << 20));
    String path = "team-a/" + run + "/chunked.bin";

    String[] reply = curl("-H", "Transfer-Encoding: chunked", "-T", big.toString(), alice().uri("files/" + path).toString());
    assertProblem(Integer.parseInt(reply[0]), "application/problem+json", reply[1], 507, "QUOTA_EXCEEDED");
    assertNoTrace(path);

    // a multipart body: each part is checked as it is stored; the part that crosses leaves nothing
    Path small = Files.write(work.resolve("small.bin"), new byte[100 << 10]);
    Path large = Files.write(work.resolve("large.bin"), RandomBytes.of(4, 1 << 20));
    String[] multipart = curl("-F", "dir=team-a/" + run, "-F", "f=@" + small, "-F", "f=@" + large, alice().uri("files").toString());
    assertProblem(Integer.parseInt(multipart[0]), "application/problem+json", multipart[1], 507, "QUOTA_EXCEEDED");
    assertTrue(storedFiles.findByPath("team-a/" + run + "/small.bin").isPresent(), "the part before stays");
    assertNoTrace("team-a/" + run + "/large.bin");
    assertEquals(Quota.Usage.NONE, quotas.reserved(Users.ALICE));
  }

  @Test
  void usageIsRightAfterUploadsReplacesLinksAndDeletes() {
    JsonObject before = usage(Users.ALICE);
    long bytes = before.getJsonNumber("bytes").longValue();
    long files = before.getJsonNumber("files").longValue();
    String path = "users/alice/" + run + "/u.bin";

    assertEquals(201, alice().put(path, new byte[1000]).status());
    assertUsage(Users.ALICE, bytes + 1000, files + 1);
    assertEquals(200, alice().put(path, new byte[300]).status());
    assertUsage(Users.ALICE, bytes + 300, files + 1);

    String url = alice().send(HttpRequest.newBuilder(alice().uri("links"))
        .POST(HttpRequest.BodyPublishers.ofString("{\"path\":\"team-a/" + run + "/link.bin\",\"method\":\"PUT\"}"))
        .header("Content-Type", "application/json").build()).json().getString("url");
    assertEquals(201, writer.anonymous().send(HttpRequest.newBuilder(URI.create(url)).PUT(HttpRequest.BodyPublishers.ofByteArray(new byte[500])).build()).status());
    assertUsage(Users.ALICE, bytes + 800, files + 2); // a link's upload counts for its issuer

    assertEquals(204, alice().send(alice().file(path).DELETE().build()).status());
    assertUsage(Users.ALICE, bytes + 500, files + 1);
    assertEquals(200, writer.put("team-a/" + run + "/link.bin", new byte[10]).status());
    assertUsage(Users.ALICE, bytes, files); // another writer's replace moves the file to them
  }

  @Test
  void aGroupLimitAppliesToEachMemberAndAUsersOwnSettingWins() {
    long used = usage(Users.ALICE).getJsonNumber("bytes").longValue();
    set("depot.quota.group.team-a.bytes", String.valueOf(used + 100));
    set("depot.quota.group.team-a.files", "unlimited");
    JsonObject mine = usage(Users.ALICE);
    assertEquals(used + 100, mine.getJsonObject("limits").getJsonNumber("bytes").longValue(), mine.toString());
    assertEquals(JsonValue.NULL, mine.getJsonObject("limits").get("files"), mine.toString());

    Api.Reply over = alice().put("team-a/" + run + "/over.bin", new byte[200]);
    assertProblem(over.status(), over.contentType(), over.body(), 507, "QUOTA_EXCEEDED");
    assertNoTrace("team-a/" + run + "/over.bin");
    assertEquals(201, alice().put("team-a/" + run + "/under.bin", new byte[50]).status());
    assertEquals(201, writer.as(Users.BOB).put("team-b/" + run + "/bob.bin", new byte[200]).status(), "bob is not in team-a");

    set("depot.quota.user.alice.bytes", "unlimited");
    assertEquals(201, alice().put("team-a/" + run + "/over.bin", new byte[200]).status(), "her own setting wins");
  }

  @Test
  void aCallerBeyondTheUploadCapGets429WithRetryAfterBeforeTheBody() throws Exception {
    set(DepotSettings.MAX_CONCURRENT_UPLOADS, "2");
    List<RawHttp.Connection> held = new ArrayList<>();
    try {
      for (int i = 0; i < 2; i++) {
        RawHttp.Connection slow = new RawHttp.Connection(server(), Duration.ofSeconds(20));
        held.add(slow);
        slow.send("PUT " + app() + "api/files/team-a/" + run + "/slow-" + i + ".bin HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: "
            + Users.get(Users.ALICE).basic() + "\r\nContent-Type: application/octet-stream\r\nContent-Length: 1048576\r\n\r\nx");
      }
      await(() -> slots.inProgress(Users.ALICE) == 2, "two slow uploads in progress");

      String path = "team-a/" + run + "/third.bin";
      try (RawHttp.Connection third = new RawHttp.Connection(server(), Duration.ofSeconds(20))) {
        third.send("PUT " + app() + "api/files/" + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: " + Users.get(Users.ALICE).basic()
            + "\r\nContent-Type: application/octet-stream\r\nContent-Length: " + (64L << 20) + "\r\n\r\n");
        RawHttp.Response answer = third.next();
        assertNotNull(answer, "an answer before the body, not a closed connection");
        assertProblem(answer.status(), answer.headers().getOrDefault("content-type", ""), answer.text(), 429, "TOO_MANY_UPLOADS");
        assertEquals("1", answer.header("Retry-After"), answer.toString());
      }
      assertNoTrace(path);
      Api.Reply multipart = alice().post("files", new Multipart().field("dir", "team-a/" + run).file("f", "mp.bin", new byte[10]));
      assertEquals(429, multipart.status(), multipart.body());
      assertEquals(201, writer.as(Users.BOB).put("team-b/" + run + "/bob.bin", new byte[10]).status(), "the cap is per caller");
    } finally {
      for (RawHttp.Connection slow : held) {
        slow.close();
      }
    }
    await(() -> slots.inProgress(Users.ALICE) == 0, "the slots of the abandoned uploads are back");
    assertEquals(201, alice().put("team-a/" + run + "/after.bin", new byte[10]).status());
    assertNoTrace("team-a/" + run + "/slow-0.bin");
  }

  @Test
  void anAdminSeesEveryonesUsageAndNoOneElseDoes() {
    assertEquals(201, alice().put("users/alice/" + run + "/seen.bin", new byte[10]).status());
    JsonObject own = usage(Users.ALICE);
    Api admin = writer.as(Users.ADMIN);

    Api.Reply one = admin.send(HttpRequest.newBuilder(admin.uri("usage?user=alice")).GET().build());
    assertEquals(200, one.status(), one.body());
    assertEquals(own.getJsonNumber("bytes").longValue(), one.json().getJsonNumber("bytes").longValue(), one.body());
    assertEquals(own.getJsonNumber("files").longValue(), one.json().getJsonNumber("files").longValue(), one.body());

    Api.Reply all = admin.send(HttpRequest.newBuilder(admin.uri("usage/all")).GET().build());
    assertEquals(200, all.status(), all.body());
    JsonObject aliceRow = all.json().getJsonArray("users").stream().map(JsonValue::asJsonObject)
        .filter(u -> u.getString("name").equals(Users.ALICE)).findFirst().orElseThrow(() -> new AssertionError(all.body()));
    assertEquals(own.getJsonNumber("bytes").longValue(), aliceRow.getJsonNumber("bytes").longValue(), all.body());
    assertFalse(all.body().contains("(link)"), "a link's files are its issuer's: " + all.body());

    for (String uri : List.of("usage/all", "usage?user=bob")) {
      Api.Reply refused = alice().send(HttpRequest.newBuilder(alice().uri(uri)).GET().build());
      assertProblem(refused.status(), refused.contentType(), refused.body(), 403, "FORBIDDEN");
    }
    Api.Reply anonymous = writer.anonymous().send(HttpRequest.newBuilder(writer.uri("usage")).GET().build());
    assertEquals(401, anonymous.status(), anonymous.body());
  }

  // ---------------------------------------------------------------- helpers

  private Api alice() {
    return writer.as(Users.ALICE);
  }

  private JsonObject usage(String user) {
    Api api = writer.as(user);
    Api.Reply reply = api.send(HttpRequest.newBuilder(api.uri("usage")).GET().build());
    assertEquals(200, reply.status(), reply.body());
    assertEquals(user, reply.json().getString("name"));
    return reply.json();
  }

  private void assertUsage(String user, long bytes, long files) {
    JsonObject usage = usage(user);
    assertEquals(bytes, usage.getJsonNumber("bytes").longValue(), usage.toString());
    assertEquals(files, usage.getJsonNumber("files").longValue(), usage.toString());
  }

  private URI server() {
    return Deployments.loopback(base);
  }

  private String app() {
    String path = server().getPath();
    return path.endsWith("/") ? path : path + "/";
  }

  private void assertNoTrace(String path) {
    assertTrue(storedFiles.findByPath(path).isEmpty(), "no row for " + path);
    assertFalse(Files.exists(ItDirs.results().resolve(path)), "no file for " + path);
  }

  private static void assertProblem(int status, String contentType, String body, int expected, String code) {
    assertEquals(expected, status, body);
    assertTrue(contentType.startsWith("application/problem+json"), contentType);
    assertEquals(code, Json.createReader(new StringReader(body)).readObject().getString("code"), body);
  }

  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting: " + what);
      }
      Thread.sleep(50);
    }
  }

  private static String[] curl(String... args) throws Exception {
    Path out = Files.createTempFile(ItDirs.base(), "curl-", ".out");
    List<String> command = new ArrayList<>(List.of("curl", "-sS", "-u", Users.get(Users.ALICE).colonPair(), "-o", out.toString(), "-w", "%{http_code}"));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String printed = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(120, TimeUnit.SECONDS), "curl hung");
    assertEquals(0, process.exitValue(), () -> "curl failed (a reset instead of an answer?): " + printed);
    return new String[] {printed.trim(), Files.readString(out)};
  }
}
