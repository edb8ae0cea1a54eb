package dev.depot.access.boundary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depot.access.control.AuditCursor;
import dev.depot.access.control.AuditRecords;
import dev.depot.access.control.AuditTrail;
import dev.depot.access.entity.AuditRecord;
import dev.depot.config.DepotSettings;
import dev.depot.it.Api;
import dev.depot.it.Deployments;
import dev.depot.it.SystemProperties;
import dev.depot.it.Multipart;
import dev.depot.it.Users;
import jakarta.inject.Inject;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.net.URL;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
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
 * The audit trail on a real server: writes, replaces, multipart parts, deletes, signed links and
 * refusals each leave one record with who, from where, what and how it ended, read back through {@code
 * GET /audit} as an admin; only admins may read it; {@code since}, {@code limit} and the cursor page it;
 * the retention sweep deletes what is older than {@code depot.audit-retention}. In-container, so a test
 * can set grants and insert an old record directly.
 */
@ExtendWith(ArquillianExtension.class)
class AuditIT {

  @Deployment
  static WebArchive deployment() {
    return Deployments.withTestClients(Multipart.class);
  }

  @Inject AuditRecords records;
  @Inject AuditTrail trail;
  @ArquillianResource URL base;

  private final String run = "audit-" + UUID.randomUUID().toString().substring(0, 8);
  private final SystemProperties properties = new SystemProperties();
  private Api writer;
  private Api admin;
  private Instant start;

  @BeforeEach
  void clients() {
    writer = new Api(base);
    admin = writer.as(Users.ADMIN);
    start = Instant.now().minusSeconds(1);
  }

  @AfterEach
  void restore() {
    properties.restore();
  }

  private void set(String key, String value) {
    properties.set(key, value);
  }

  // ---------------------------------------------------------------- what is recorded

  @Test
  void aPutAndItsReplaceAreTwoRecordsWithWhoWhatAndFromWhere() {
    String path = run + "/a.txt";
    assertEquals(201, writer.put(path, bytes("one")).status());
    assertEquals(200, writer.put(path, bytes("three")).status());

    List<JsonObject> found = recordsFor(path);
    assertEquals(2, found.size(), found.toString());
    JsonObject replace = found.get(0); // newest first
    JsonObject create = found.get(1);
    assertRecord(create, Users.WRITER, "PUT", path, 3L, sha256("one"), 201, null);
    assertRecord(replace, Users.WRITER, "PUT", path, 5L, sha256("three"), 200, null);
    assertEquals("127.0.0.1", create.getString("remoteAddress"));
    Instant time = Instant.parse(create.getString("time"));
    assertFalse(time.isBefore(start) || time.isAfter(Instant.now()), create.toString());
  }

  @Test
  void aMultipartOfTwoFilesIsOneRecordPerFile() {
    Api.Reply reply = writer.post("files", new Multipart().field("dir", run).file("file", "x.txt", bytes("x")).file("file", "yy.txt", bytes("yy")));
    assertEquals(201, reply.status(), reply.body());

    assertRecord(only(run + "/x.txt"), Users.WRITER, "MULTIPART", run + "/x.txt", 1L, sha256("x"), 201, null);
    assertRecord(only(run + "/yy.txt"), Users.WRITER, "MULTIPART", run + "/yy.txt", 2L, sha256("yy"), 201, null);
  }

  @Test
  void partsStoredBeforeARefusedPartAreRecordedBesideTheRefusal() {
    // by user name, not group: what is tested here is the audit, not how a realm reports groups
    set(DepotSettings.GRANTS, "group:depot-admin rwd *\ngroup:depot-writer rwd *\nuser:alice rw team-a/");
    Api alice = writer.as(Users.ALICE);
    Api.Reply reply = alice.post("files", new Multipart()
        .field("dir", "team-a/" + run).file("file", "mine.txt", bytes("m"))
        .field("dir", "team-b/" + run).file("file", "theirs.txt", bytes("t")));
    assertEquals(403, reply.status(), reply.body());
    assertEquals(200, get(writer, "files/team-a/" + run + "/mine.txt").status(), "the part before the refused one stays: " + reply.body());

    assertRecord(only("team-a/" + run + "/mine.txt"), Users.ALICE, "MULTIPART", "team-a/" + run + "/mine.txt", 1L, sha256("m"), 201, null);
    List<JsonObject> refusals = since(start).stream()
        .filter(r -> r.getString("action").equals("MULTIPART") && Users.ALICE.equals(text(r, "principal")) && r.getInt("status") == 403)
        .toList();
    assertEquals(1, refusals.size(), refusals.toString());
    assertRecord(refusals.get(0), Users.ALICE, "MULTIPART", "team-b/" + run + "/theirs.txt", null, null, 403, "FORBIDDEN");
  }

  @Test
  void aPartAimedWhereTheCallerMayNotWriteIsRecordedWithItsPath() {
    // the URL (POST /files, POST /upload) names no path: the record has the one the part was refused on
    set(DepotSettings.GRANTS, "group:depot-admin rwd *\ngroup:depot-writer rwd *\nuser:alice rw team-a/");
    Api alice = writer.as(Users.ALICE);
    Api.Reply multipart = alice.post("files", new Multipart().field("dir", "team-b").file("file", run + "-x.txt", bytes("x")));
    assertEquals(403, multipart.status(), multipart.body());
    Api.Reply seed = alice.post("upload", new Multipart().file("upload_file", run + "-seed.txt", bytes("s")));
    assertEquals(403, seed.status(), seed.body());

    assertRecord(only("team-b/" + run + "-x.txt"), Users.ALICE, "MULTIPART", "team-b/" + run + "-x.txt", null, null, 403, "FORBIDDEN");
    assertRecord(only(run + "-seed.txt"), Users.ALICE, "UPLOAD", run + "-seed.txt", null, null, 403, "FORBIDDEN");
  }

  @Test
  void theSeedEndpointsAreRecordedWithWhatTheyStored() {
    String name = run + "-seed.txt";
    assertEquals(200, writer.post("upload", new Multipart().file("upload_file", name, bytes("seed"))).status());
    Api.Reply stream = writer.send(HttpRequest.newBuilder(writer.uri("stream?filedir=" + run + "&filename=s.bin"))
        .POST(HttpRequest.BodyPublishers.ofByteArray(bytes("stream"))).header("Content-Type", "application/octet-stream").build());
    assertEquals(200, stream.status(), stream.body());

    assertRecord(only(name), Users.WRITER, "UPLOAD", name, 4L, sha256("seed"), 200, null);
    assertRecord(only(run + "/s.bin"), Users.WRITER, "STREAM", run + "/s.bin", 6L, sha256("stream"), 200, null);
  }

  @Test
  void aDeleteAndALinkAreRecorded() {
    String path = run + "/gone.txt";
    assertEquals(201, writer.put(path, bytes("g")).status());
    Api.Reply link = writer.send(HttpRequest.newBuilder(writer.uri("links"))
        .POST(HttpRequest.BodyPublishers.ofString("{\"path\":\"" + path + "\",\"method\":\"GET\"}")).header("Content-Type", "application/json").build());
    assertEquals(201, link.status(), link.body());
    assertEquals(204, writer.send(writer.file(path).DELETE().build()).status());

    List<JsonObject> found = recordsFor(path);
    assertEquals(List.of("DELETE", "LINK", "PUT"), found.stream().map(r -> r.getString("action")).toList(), found.toString());
    assertRecord(found.get(0), Users.WRITER, "DELETE", path, null, null, 204, null);
    assertRecord(found.get(1), Users.WRITER, "LINK", path, null, null, 201, null);
  }

  @Test
  void refusedAttemptsAreRecordedWithTheirCode() {
    String path = run + "/refused.txt";
    assertEquals(401, writer.anonymous().put(path, bytes("no")).status());
    assertEquals(201, writer.put(path, bytes("yes")).status());
    assertEquals(403, writer.as(Users.READER).send(writer.file(path).DELETE().build()).status());
    String wrong = "Basic " + Base64.getEncoder().encodeToString((Users.WRITER + ":wrong").getBytes(StandardCharsets.UTF_8));
    assertEquals(401, writer.withAuthorization(wrong).put(path, bytes("no")).status());
    assertEquals(401, writer.anonymous().send(writer.file(path).GET().build()).status());

    List<JsonObject> found = recordsFor(path);
    assertEquals(5, found.size(), found.toString());
    assertRecord(found.get(4), null, "PUT", path, null, null, 401, "UNAUTHENTICATED");
    assertRecord(found.get(2), Users.READER, "DELETE", path, null, null, 403, "FORBIDDEN");
    // refused by the access filter, before any resource ran: the response filter still sees it
    assertRecord(found.get(1), null, "PUT", path, null, null, 401, "INVALID_CREDENTIALS");
    assertEquals(Users.WRITER, text(found.get(1), "claimedPrincipal"), "whom the wrong password was for");
    assertTrue(found.get(2).isNull("claimedPrincipal") && found.get(4).isNull("claimedPrincipal"), found.toString());
    assertRecord(found.get(0), null, "READ", path, null, null, 401, "UNAUTHENTICATED");
  }

  @Test
  void aWrongPasswordOnGetSessionIsRecordedWithTheUserNameItClaimed() {
    // curl -u alice:guess …/api/session: the cheapest password guess there is; asking without credentials is not recorded
    String claimed = run + "-guessed";
    String guess = "Basic " + Base64.getEncoder().encodeToString((claimed + ":guess").getBytes(StandardCharsets.UTF_8));
    assertEquals(401, get(writer.withAuthorization(guess), "session").status());
    assertEquals(401, get(writer.anonymous(), "session").status());

    List<JsonObject> found = since(start).stream().filter(r -> claimed.equals(text(r, "claimedPrincipal"))).toList();
    assertEquals(1, found.size(), found.toString());
    assertRecord(found.get(0), null, "SESSION", null, null, null, 401, "INVALID_CREDENTIALS");
  }

  @Test
  void aWrongPasswordOnTheSignInFormIsRecordedWithTheUserNameItClaimed() {
    String claimed = run + "-form";
    Api.Reply reply = writer.anonymous().send(HttpRequest.newBuilder(writer.uri("session"))
        .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"" + claimed + "\",\"password\":\"guess\"}"))
        .header("Content-Type", "application/json").build());
    assertEquals(401, reply.status(), reply.body());

    List<JsonObject> found = since(start).stream().filter(r -> claimed.equals(text(r, "claimedPrincipal"))).toList();
    assertEquals(1, found.size(), found.toString());
    assertRecord(found.get(0), null, "SESSION", null, null, null, 401, "INVALID_CREDENTIALS");
  }

  @Test
  void readsThatAreAllowedAreNotRecorded() {
    String path = run + "/read.txt";
    assertEquals(201, writer.put(path, bytes("r")).status());
    assertEquals(200, writer.as(Users.READER).send(writer.file(path).GET().build()).status());
    assertEquals(List.of("PUT"), recordsFor(path).stream().map(r -> r.getString("action")).toList());
  }

  // ---------------------------------------------------------------- who may read it, and how

  @Test
  void onlyAdminsMayReadTheTrailAndOthersTryingIsRecorded() {
    assertEquals(403, get(writer, "audit").status());
    assertEquals(403, get(writer.as(Users.READER), "audit").status());
    assertEquals(401, get(writer.anonymous(), "audit").status());
    assertEquals(200, get(admin, "audit").status());

    assertTrue(since(start).stream().anyMatch(r -> r.getString("action").equals("AUDIT") && Users.WRITER.equals(text(r, "principal"))
        && r.getInt("status") == 403 && r.getString("code").equals("FORBIDDEN")));
  }

  @Test
  void sinceLimitAndCursorPageTheTrailNewestFirst() {
    for (int i = 0; i < 3; i++) {
      assertEquals(201, writer.put(run + "/p" + i, bytes("p")).status());
    }
    Instant afterFirst = Instant.parse(only(run + "/p0").getString("time")).plus(1, ChronoUnit.MICROS);

    JsonObject page = page("audit?limit=1&since=" + afterFirst);
    JsonArray items = page.getJsonArray("items");
    assertEquals(1, items.size());
    assertEquals(run + "/p2", items.getJsonObject(0).getString("path"), "newest first");
    List<String> paths = new ArrayList<>();
    paths.add(text(items.getJsonObject(0), "path"));
    String cursor = page.getString("next");
    while (cursor != null && paths.size() < 1000) {
      page = page("audit?limit=1&since=" + afterFirst + "&cursor=" + cursor);
      page.getJsonArray("items").forEach(item -> paths.add(text(item.asJsonObject(), "path")));
      cursor = page.isNull("next") ? null : page.getString("next");
    }
    // this run's paths only, so the check does not depend on what else the server recorded
    assertEquals(List.of(run + "/p2", run + "/p1"), paths.stream().filter(p -> p != null && p.startsWith(run)).toList(), "p0 is before since");

    assertEquals(400, get(admin, "audit?since=yesterday").status());
    assertEquals(400, get(admin, "audit?limit=0").status());
    assertEquals(400, get(admin, "audit?cursor=garbage!").status());
  }

  // ---------------------------------------------------------------- retention

  @Test
  void theSweepDeletesRecordsOlderThanTheRetentionAndKeepsTheRest() {
    set(DepotSettings.AUDIT_RETENTION, "P30D");
    Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
    AuditRecord old = new AuditRecord(now.minus(Duration.ofDays(31)), "someone", "10.0.0.1", "PUT", run + "/old", 1L, null, 201, null);
    AuditRecord young = new AuditRecord(now.minus(Duration.ofDays(29)), "someone", "10.0.0.1", "PUT", run + "/young", 1L, null, 201, null);
    records.insert(List.of(old, young));
    assertTrue(stored(old.getId()) && stored(young.getId()));

    assertTrue(trail.sweep(Instant.now()) >= 1);

    assertFalse(stored(old.getId()), "older than 30 days");
    assertTrue(stored(young.getId()), "younger than 30 days");
  }

  // ---------------------------------------------------------------- helpers

  /**
   * Whether a record the retention test inserted (a month old) is stored: looked for among the records
   * older than 28 days only, so that however many the suite's other tests recorded since (the web
   * page test alone stores a thousand files), they cannot push it off the page.
   */
  private boolean stored(String id) {
    Optional<AuditCursor> belowRecentOnes = Optional.of(new AuditCursor(Instant.now().minus(Duration.ofDays(28)), ""));
    return records.page(Instant.now().minus(Duration.ofDays(40)), belowRecentOnes, 1000).stream().anyMatch(r -> r.getId().equals(id));
  }

  private static Api.Reply get(Api api, String relative) {
    return api.send(HttpRequest.newBuilder(api.uri(relative)).GET().build());
  }

  private JsonObject page(String relative) {
    Api.Reply reply = get(admin, relative);
    assertEquals(200, reply.status(), reply.body());
    return reply.json();
  }

  /** Every record since {@code from}, newest first. */
  private List<JsonObject> since(Instant from) {
    JsonObject page = page("audit?limit=1000&since=" + from);
    return page.getJsonArray("items").stream().map(JsonValue::asJsonObject).toList();
  }

  private List<JsonObject> recordsFor(String path) {
    return since(start).stream().filter(r -> path.equals(text(r, "path"))).toList();
  }

  private JsonObject only(String path) {
    List<JsonObject> found = recordsFor(path);
    assertEquals(1, found.size(), path + ": " + found);
    return found.get(0);
  }

  private static void assertRecord(JsonObject r, String principal, String action, String path, Long size, String sha256, int status, String code) {
    assertEquals(principal, text(r, "principal"), r.toString());
    assertEquals(action, r.getString("action"), r.toString());
    assertEquals(path, text(r, "path"), r.toString());
    assertEquals(size, r.isNull("size") ? null : r.getJsonNumber("size").longValue(), r.toString());
    assertEquals(sha256, text(r, "sha256"), r.toString());
    assertEquals(status, r.getInt("status"), r.toString());
    assertEquals(code, text(r, "code"), r.toString());
    assertNotNull(r.getString("time"));
    assertNotNull(text(r, "remoteAddress"), r.toString());
  }

  private static String text(JsonObject r, String name) {
    return r.isNull(name) ? null : r.getString(name);
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes(text)));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }
}
