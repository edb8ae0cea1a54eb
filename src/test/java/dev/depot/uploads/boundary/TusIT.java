package dev.depot.uploads.boundary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depot.config.DepotSettings;
import dev.depot.it.Api;
import dev.depot.it.Deployments;
import dev.depot.it.SystemProperties;
import dev.depot.it.RandomBytes;
import dev.depot.it.RawHttp;
import dev.depot.it.Users;
import dev.depot.storage.control.PartialFiles;
import dev.depot.storage.control.Stores;
import dev.depot.uploads.control.ExpirySweeper;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.UUID;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * tus 1.0 at /api/uploads over real HTTP, every status the protocol and issue 14 name. In container, so
 * that a test can shorten the expiry (a system property, restored after it), run the sweeper and look
 * at the partial files; every request still goes over the network to the server's own port.
 */
@ExtendWith(ArquillianExtension.class)
class TusIT {

  static final String TUS = "Tus-Resumable";
  static final String OCTETS = "application/offset+octet-stream";

  @Deployment
  static WebArchive deployment() {
    return Deployments.withTestClients(RandomBytes.class, RawHttp.class, RawHttp.Connection.class, RawHttp.Response.class);
  }

  @ArquillianResource URL base;
  @Inject ExpirySweeper sweeper;

  @jakarta.annotation.Resource(lookup = "java:comp/DefaultDataSource")
  javax.sql.DataSource dataSource;
  @Inject Stores stores;
  @Inject DepotSettings settings;

  private final String run = UUID.randomUUID().toString().substring(0, 8);
  private final SystemProperties properties = new SystemProperties();

  private void set(String key, String value) {
    properties.set(key, value);
  }

  @AfterEach
  void restore() {
    properties.restore();
  }

  @Test
  void optionsAdvertisesVersionExtensionsLimitAndChecksums() {
    HttpResponse<String> answer = send(request("uploads").method("OPTIONS", HttpRequest.BodyPublishers.noBody()).build());

    assertEquals(204, answer.statusCode());
    assertEquals("1.0.0", header(answer, "Tus-Version"));
    assertEquals("1.0.0", header(answer, TUS));
    for (String extension : new String[] {"creation", "creation-with-upload", "creation-defer-length", "termination", "expiration",
        "checksum", "concatenation"}) {
      assertTrue(("," + header(answer, "Tus-Extension") + ",").contains("," + extension + ","), header(answer, "Tus-Extension"));
    }
    assertEquals(String.valueOf(settings.maxFileSize()), header(answer, "Tus-Max-Size"));
    assertTrue(header(answer, "Tus-Checksum-Algorithm").contains("sha1"));
  }

  @Test
  void createPatchHeadAndCompletePublishesTheFileOnlyAtTheEnd() throws Exception {
    byte[] data = RandomBytes.of(1, 3_000_000);
    URI upload = create(data.length, "filename " + b64("whole.bin") + ",dir " + b64("tus/" + run));

    HttpResponse<String> head = head(upload);
    assertEquals(200, head.statusCode());
    assertEquals("0", header(head, "Upload-Offset"));
    assertEquals(String.valueOf(data.length), header(head, "Upload-Length"));
    assertEquals("no-store", header(head, "Cache-Control"));
    assertNotNull(header(head, "Upload-Expires"));
    assertTrue(header(head, "Upload-Metadata").contains("filename " + b64("whole.bin")));

    assertEquals(204, patch(upload, 0, data, 0, 1_000_000).statusCode());
    assertEquals("1000000", header(head(upload), "Upload-Offset"));
    assertEquals(404, api().send(api().file("tus/" + run + "/whole.bin").GET().build()).status(), "not visible while incomplete");

    HttpResponse<String> last = patch(upload, 1_000_000, data, 1_000_000, data.length);
    assertEquals(204, last.statusCode(), last.body());
    assertEquals(String.valueOf(data.length), header(last, "Upload-Offset"));
    assertEquals("\"" + sha256(data) + "\"", header(last, "ETag"));
    assertEquals("sha-256=:" + Base64.getEncoder().encodeToString(HexFormat.of().parseHex(sha256(data))) + ":", header(last, "Repr-Digest"));
    HttpResponse<byte[]> stored = api().exchange(api().file("tus/" + run + "/whole.bin").GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(200, stored.statusCode());
    assertEquals(sha256(data), sha256(stored.body()));
    assertEquals(String.valueOf(data.length), header(head(upload), "Upload-Offset"), "a completed upload still reports its offset");
  }

  @Test
  void creationWithUploadTakesTheFirstChunkInThePost() {
    byte[] data = RandomBytes.of(2, 100_000);
    HttpResponse<String> created = send(request("uploads").header("Upload-Length", String.valueOf(data.length))
        .header("Upload-Metadata", "filename " + b64("with-" + run + ".bin")).header("Content-Type", OCTETS)
        .POST(HttpRequest.BodyPublishers.ofByteArray(data, 0, 40_000)).build());

    assertEquals(201, created.statusCode(), created.body());
    assertEquals("40000", header(created, "Upload-Offset"));
    URI upload = URI.create(header(created, "Location"));
    assertEquals(204, patch(upload, 40_000, data, 40_000, data.length).statusCode());
    assertEquals(200, api().send(api().file("with-" + run + ".bin").GET().build()).status());

    // a first chunk that fails its checksum is not kept, but the upload exists: 201 at offset 0
    HttpResponse<String> refusedChunk = send(request("uploads").header("Upload-Length", String.valueOf(data.length))
        .header("Upload-Metadata", "filename " + b64("with2-" + run + ".bin")).header("Content-Type", OCTETS)
        .header("Upload-Checksum", "sha256 " + Base64.getEncoder().encodeToString(new byte[32]))
        .POST(HttpRequest.BodyPublishers.ofByteArray(data, 0, 40_000)).build());
    assertEquals(201, refusedChunk.statusCode(), refusedChunk.body());
    assertEquals("0", header(refusedChunk, "Upload-Offset"));
    assertEquals("0", header(head(URI.create(header(refusedChunk, "Location"))), "Upload-Offset"));
  }

  @Test
  void aWrongOffsetIsConflictAndAWrongContentTypeIsUnsupported() {
    byte[] data = RandomBytes.of(3, 1000);
    URI upload = create(data.length, "filename " + b64("o-" + run + ".bin"));
    patch(upload, 0, data, 0, 100);

    HttpResponse<String> conflict = patch(upload, 50, data, 50, 200);
    assertEquals(409, conflict.statusCode());
    assertTrue(conflict.body().contains("UPLOAD_OFFSET_MISMATCH"), conflict.body());
    assertEquals("1.0.0", header(conflict, TUS), "Tus-Resumable on problems too");
    HttpResponse<String> wrongType = send(request(upload).header("Upload-Offset", "100").header("Content-Type", "application/octet-stream")
        .method("PATCH", HttpRequest.BodyPublishers.ofByteArray(data, 100, 100)).build());
    assertEquals(415, wrongType.statusCode());
    assertEquals("100", header(head(upload), "Upload-Offset"));
  }

  @Test
  void aBadChecksumIs460AndTheOffsetStays() throws Exception {
    byte[] data = RandomBytes.of(4, 200_000);
    URI upload = create(data.length, "filename " + b64("sum-" + run + ".bin"));
    String wrong = "sha1 " + Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-1").digest(new byte[] {1}));

    HttpResponse<String> refused = send(patchRequest(upload, 0, data, 0, 100_000).header("Upload-Checksum", wrong).build());

    assertEquals(460, refused.statusCode(), refused.body());
    assertTrue(refused.body().contains("CHECKSUM_MISMATCH"), refused.body());
    assertEquals("0", header(head(upload), "Upload-Offset"));
    String right = "sha1 " + Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-1").digest(java.util.Arrays.copyOfRange(data, 0, 100_000)));
    assertEquals(204, send(patchRequest(upload, 0, data, 0, 100_000).header("Upload-Checksum", right).build()).statusCode());
    assertEquals(400, send(patchRequest(upload, 100_000, data, 100_000, 200_000).header("Upload-Checksum", "crc32 AAAA").build()).statusCode());
  }

  @Test
  void anUnsupportedVersionIs412WithTheVersionsSpoken() {
    HttpResponse<String> answer = send(HttpRequest.newBuilder(api().uri("uploads")).header("Authorization", Users.get(Users.WRITER).basic())
        .header(TUS, "0.2.2").header("Upload-Length", "1").header("Upload-Metadata", "filename " + b64("v.bin"))
        .POST(HttpRequest.BodyPublishers.noBody()).build());

    assertEquals(412, answer.statusCode());
    assertEquals("1.0.0", header(answer, "Tus-Version"));
  }

  @Test
  void overTheMaximumSizeIsRefusedAtCreation() {
    long max = settings.maxFileSize();
    HttpResponse<String> answer = send(request("uploads").header("Upload-Length", String.valueOf(max + 1))
        .header("Upload-Metadata", "filename " + b64("huge.bin")).POST(HttpRequest.BodyPublishers.noBody()).build());

    assertEquals(413, answer.statusCode());
  }

  @Test
  void terminationDeletesTheUploadAndItsBytes() {
    byte[] data = RandomBytes.of(5, 1000);
    URI upload = create(data.length, "filename " + b64("t-" + run + ".bin"));
    patch(upload, 0, data, 0, 500);
    String id = upload.getPath().substring(upload.getPath().lastIndexOf('/') + 1);
    assertEquals(500, partials().size(id));

    assertEquals(204, send(request(upload).DELETE().build()).statusCode());

    assertEquals(404, head(upload).statusCode());
    assertEquals(-1, partials().size(id));
    assertEquals(404, patch(upload, 500, data, 500, 1000).statusCode());
  }

  @Test
  void anUnknownUploadIs404AndSoIsAnotherUsersUpload() {
    assertEquals(404, head(api().uri("uploads/" + UUID.randomUUID())).statusCode());
    assertEquals(404, head(api().uri("uploads/not-an-id")).statusCode());
    URI writers = create(10, "filename " + b64("own-" + run + ".bin"));

    // An upload belongs to who created it: even an admin, who may write anywhere, does not see another's.
    assertEquals(404, send(HttpRequest.newBuilder(writers).header("Authorization", Users.get(Users.ADMIN).basic()).header(TUS, "1.0.0")
        .method("HEAD", HttpRequest.BodyPublishers.noBody()).build()).statusCode());
    assertEquals(404, send(HttpRequest.newBuilder(writers).header("Authorization", Users.get(Users.ADMIN).basic()).header(TUS, "1.0.0")
        .header("Upload-Offset", "0").header("Content-Type", OCTETS).method("PATCH", HttpRequest.BodyPublishers.ofString("0123456789")).build())
        .statusCode());
    assertEquals(401, api().anonymous().exchange(HttpRequest.newBuilder(writers).header(TUS, "1.0.0")
        .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString()).statusCode());
    assertEquals("0", header(head(writers), "Upload-Offset"));
  }

  @Test
  void aPathThatAPutWouldRefuseIsRefusedAtCreation() {
    for (String metadata : new String[] {"path " + b64("../escape.bin"), "filename " + b64(".."), "dir " + b64("no-name"),
        "filename " + b64("x.bin") + ",dir " + b64("/abs"), "filename not-base64!"}) {
      HttpResponse<String> answer = send(request("uploads").header("Upload-Length", "10").header("Upload-Metadata", metadata)
          .POST(HttpRequest.BodyPublishers.noBody()).build());
      assertEquals(400, answer.statusCode(), metadata + ": " + answer.body());
    }
    HttpResponse<String> reader = send(HttpRequest.newBuilder(api().uri("uploads")).header("Authorization", Users.get(Users.READER).basic())
        .header(TUS, "1.0.0").header("Upload-Length", "10").header("Upload-Metadata", "filename " + b64("r.bin"))
        .POST(HttpRequest.BodyPublishers.noBody()).build());
    assertEquals(403, reader.statusCode(), "a reader may not create uploads");
  }

  @Test
  void createOnlyConflictsAtCompletionWhenThePathAppearedSince() {
    String path = "co-" + run + ".bin";
    URI upload = create(3, "filename " + b64(path) + ",ifNoneMatch " + b64("*"));
    assertEquals(201, api().put(path, "put".getBytes(StandardCharsets.UTF_8)).status());

    HttpResponse<String> last = patch(upload, 0, "tus".getBytes(StandardCharsets.UTF_8), 0, 3);

    assertEquals(412, last.statusCode(), last.body());
    assertEquals("put", api().send(api().file(path).GET().build()).body());
    HttpResponse<String> again = send(request("uploads").header("Upload-Length", "3")
        .header("Upload-Metadata", "filename " + b64(path) + ",ifNoneMatch " + b64("*")).POST(HttpRequest.BodyPublishers.noBody()).build());
    assertEquals(412, again.statusCode(), "and at creation once the path exists");
  }

  @Test
  void aSecondConcurrentPatchIsRefusedAndABrokenOneKeepsWhatArrived() throws Exception {
    byte[] data = RandomBytes.of(6, 2 << 20);
    URI upload = create(data.length, "filename " + b64("lock-" + run + ".bin"));
    URI server = api().uri("");
    try (RawHttp.Connection first = new RawHttp.Connection(server, Duration.ofSeconds(30))) {
      first.send("PATCH " + upload.getRawPath() + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + Users.WRITER_AUTH_LINE + TUS + ": 1.0.0\r\n"
          + "Content-Type: " + OCTETS + "\r\nUpload-Offset: 0\r\nContent-Length: " + data.length + "\r\n\r\n");
      first.send(java.util.Arrays.copyOfRange(data, 0, 600_000));
      Thread.sleep(1000); // the server is reading the first PATCH's body now

      HttpResponse<String> second = patch(upload, 0, data, 0, 1000);
      assertEquals(423, second.statusCode(), second.body());
      assertEquals(423, send(request(upload).DELETE().build()).statusCode());
    } // the first PATCH's connection breaks off here
    long offset = awaitOffset(upload, 600_000);
    assertTrue(offset > 0 && offset <= 600_000, "kept what arrived: " + offset);

    assertEquals(204, patch(upload, (int) offset, data, (int) offset, data.length).statusCode());
    HttpResponse<byte[]> stored = api().exchange(api().file("lock-" + run + ".bin").GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(sha256(data), sha256(stored.body()));
  }

  /**
   * Issue 16: a claim another instance holds in the database (written here with plain JDBC, as that
   * instance's request would) makes this server answer 423 until its lease runs out; then a PATCH
   * takes the upload over, and gives the claim up when it ends. On H2 (Payara Micro) and with
   * Hibernate (WildFly): the claim is native SQL.
   */
  @Test
  void anUploadClaimedByAnotherInstanceIsLockedUntilItsLeaseRunsOut() throws Exception {
    byte[] data = RandomBytes.of(9, 1000);
    URI upload = create(data.length, "filename " + b64("claimed.bin") + ",dir " + b64("tus/" + run));
    String id = upload.getPath().substring(upload.getPath().lastIndexOf('/') + 1);
    claim(id, "request-on-instance-b", System.currentTimeMillis() + 60_000);

    HttpResponse<String> locked = patch(upload, 0, data, 0, 400);
    assertEquals(423, locked.statusCode(), locked.body());
    assertTrue(locked.body().contains("UPLOAD_LOCKED"), locked.body());
    assertEquals(423, send(request(upload).DELETE().build()).statusCode());

    claim(id, "request-on-instance-b", System.currentTimeMillis() - 1); // that instance died: its lease ran out
    assertEquals(204, patch(upload, 0, data, 0, 400).statusCode());
    try (java.sql.Connection db = dataSource.getConnection();
        java.sql.PreparedStatement query = db.prepareStatement("SELECT claimed_by, claimed_until_ms FROM resumable_upload WHERE id = ?")) {
      query.setString(1, id);
      try (java.sql.ResultSet row = query.executeQuery()) {
        assertTrue(row.next());
        assertNull(row.getString(1), "the claim was given up");
        assertNull(row.getObject(2));
      }
    }
    assertEquals(204, patch(upload, 400, data, 400, data.length).statusCode());
    assertEquals(sha256(data), sha256(api().exchange(api().file("tus/" + run + "/claimed.bin").GET().build(),
        HttpResponse.BodyHandlers.ofByteArray()).body()));
  }

  private void claim(String id, String token, long untilMs) throws java.sql.SQLException {
    try (java.sql.Connection db = dataSource.getConnection();
        java.sql.PreparedStatement update = db.prepareStatement(
            "UPDATE resumable_upload SET claimed_by = ?, claimed_until_ms = ? WHERE id = ?")) {
      update.setString(1, token);
      update.setLong(2, untilMs);
      update.setString(3, id);
      assertEquals(1, update.executeUpdate());
    }
  }

  @Test
  void methodOverrideCarriesPatchAndDeleteOverPost() {
    byte[] data = RandomBytes.of(7, 1000);
    URI upload = create(data.length, "filename " + b64("mo-" + run + ".bin"));

    HttpResponse<String> patched = send(request(upload).header("X-HTTP-Method-Override", "PATCH").header("Upload-Offset", "0")
        .header("Content-Type", OCTETS).POST(HttpRequest.BodyPublishers.ofByteArray(data, 0, 400)).build());

    assertEquals(204, patched.statusCode(), patched.body());
    assertEquals("400", header(patched, "Upload-Offset"));
    assertEquals(204, send(request(upload).header("X-HTTP-Method-Override", "DELETE").POST(HttpRequest.BodyPublishers.noBody()).build()).statusCode());
    assertEquals(404, head(upload).statusCode());
  }

  @Test
  void anIdleUploadExpiresThenIsSweptWithItsBytes() throws Exception {
    byte[] data = RandomBytes.of(8, 1000);
    set(DepotSettings.UPLOADS_EXPIRE_AFTER, "PT2S");
    URI upload = create(data.length, "filename " + b64("exp-" + run + ".bin"));
    patch(upload, 0, data, 0, 100);
    String id = upload.getPath().substring(upload.getPath().lastIndexOf('/') + 1);
    Thread.sleep(2500);

    assertEquals(410, head(upload).statusCode());
    assertEquals(410, patch(upload, 100, data, 100, 1000).statusCode());
    sweeper.sweep();

    assertEquals(404, head(upload).statusCode());
    assertEquals(-1, partials().size(id));
  }

  @Test
  void pagesOnAnAllowedOriginGetThePreflightAndTheTusHeadersExposed() {
    set(DepotSettings.ALLOWED_ORIGINS, "https://app.example");
    HttpResponse<String> preflight = api().anonymous().exchange(HttpRequest.newBuilder(api().uri("uploads"))
        .header("Origin", "https://app.example").header("Access-Control-Request-Method", "POST")
        .header("Access-Control-Request-Headers", "authorization, tus-resumable, upload-length, upload-metadata")
        .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(204, preflight.statusCode(), preflight.body());
    assertEquals("https://app.example", header(preflight, "Access-Control-Allow-Origin"));
    assertTrue(header(preflight, "Access-Control-Allow-Methods").contains("PATCH"));
    assertTrue(header(preflight, "Access-Control-Allow-Headers").contains("Upload-Metadata"));

    URI upload = create(10, "filename " + b64("cors-" + run + ".bin"));
    HttpResponse<String> head = send(request(upload).header("Origin", "https://app.example").method("HEAD", HttpRequest.BodyPublishers.noBody()).build());
    assertEquals("https://app.example", header(head, "Access-Control-Allow-Origin"));
    for (String exposed : new String[] {"Upload-Offset", "Upload-Length", "Location", "Tus-Resumable", "Upload-Expires"}) {
      assertTrue(header(head, "Access-Control-Expose-Headers").contains(exposed), exposed);
    }
    HttpResponse<String> other = send(request(upload).header("Origin", "https://evil.example").method("HEAD", HttpRequest.BodyPublishers.noBody()).build());
    assertEquals(null, header(other, "Access-Control-Allow-Origin"), "another site's page learns nothing");
  }

  @Test
  void deferredLengthIsDeclaredByTheLastPatch() {
    byte[] data = RandomBytes.of(9, 300_000);
    HttpResponse<String> created = send(request("uploads").header("Upload-Defer-Length", "1")
        .header("Upload-Metadata", "filename " + b64("def-" + run + ".bin")).POST(HttpRequest.BodyPublishers.noBody()).build());
    assertEquals(201, created.statusCode(), created.body());
    URI upload = URI.create(header(created, "Location"));
    assertEquals("1", header(head(upload), "Upload-Defer-Length"));

    assertEquals(204, patch(upload, 0, data, 0, 100_000).statusCode());
    HttpResponse<String> last = send(patchRequest(upload, 100_000, data, 100_000, data.length).header("Upload-Length", String.valueOf(data.length)).build());

    assertEquals(204, last.statusCode(), last.body());
    assertEquals("\"" + sha256(data) + "\"", header(last, "ETag"));
  }

  @Test
  void partialUploadsConcatenateIntoTheFinalFile() {
    byte[] data = RandomBytes.of(10, 500_001);
    URI a = createPartial(250_000);
    URI b = createPartial(250_001);
    assertEquals(204, patch(b, 0, data, 250_000, data.length).statusCode());
    assertEquals(204, patch(a, 0, data, 0, 250_000).statusCode());

    HttpResponse<String> whole = send(request("uploads").header("Upload-Concat", "final;" + a.getRawPath() + " " + b)
        .header("Upload-Metadata", "filename " + b64("cat-" + run + ".bin")).POST(HttpRequest.BodyPublishers.noBody()).build());

    assertEquals(201, whole.statusCode(), whole.body());
    HttpResponse<String> head = head(URI.create(header(whole, "Location")));
    assertEquals(String.valueOf(data.length), header(head, "Upload-Offset"));
    assertTrue(header(head, "Upload-Concat").startsWith("final;"), header(head, "Upload-Concat"));
    HttpResponse<byte[]> stored = api().exchange(api().file("cat-" + run + ".bin").GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(sha256(data), sha256(stored.body()));
  }

  // --- helpers ----------------------------------------------------------------------------------

  private Api api() {
    return new Api(base);
  }

  private PartialFiles partials() {
    return stores.current().partials();
  }

  private HttpRequest.Builder request(String relative) {
    return request(api().uri(relative));
  }

  private HttpRequest.Builder request(URI uri) {
    return HttpRequest.newBuilder(uri).header("Authorization", api().authorization()).header(TUS, "1.0.0");
  }

  private URI create(long length, String metadata) {
    HttpResponse<String> created = send(request("uploads").header("Upload-Length", String.valueOf(length)).header("Upload-Metadata", metadata).POST(HttpRequest.BodyPublishers.noBody()).build());
    assertEquals(201, created.statusCode(), created.body());
    assertNotNull(header(created, "Upload-Expires"));
    return URI.create(header(created, "Location"));
  }

  private URI createPartial(long length) {
    HttpResponse<String> created = send(request("uploads").header("Upload-Length", String.valueOf(length)).header("Upload-Concat", "partial")
        .POST(HttpRequest.BodyPublishers.noBody()).build());
    assertEquals(201, created.statusCode(), created.body());
    return URI.create(header(created, "Location"));
  }

  private HttpRequest.Builder patchRequest(URI upload, long offset, byte[] data, int from, int to) {
    return request(upload).header("Upload-Offset", String.valueOf(offset)).header("Content-Type", OCTETS)
        .method("PATCH", HttpRequest.BodyPublishers.ofByteArray(data, from, to - from));
  }

  private HttpResponse<String> patch(URI upload, long offset, byte[] data, int from, int to) {
    return send(patchRequest(upload, offset, data, from, to).build());
  }

  private HttpResponse<String> head(URI upload) {
    return send(request(upload).method("HEAD", HttpRequest.BodyPublishers.noBody()).build());
  }

  /** The upload's offset once a broken PATCH has been let go (the server notices the break a moment later). */
  private long awaitOffset(URI upload, long atMost) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      HttpResponse<String> head = head(upload);
      if (head.statusCode() == 200 && Long.parseLong(header(head, "Upload-Offset")) > 0) {
        HttpResponse<String> probe = patch(upload, Long.parseLong(header(head, "Upload-Offset")), new byte[0], 0, 0);
        if (probe.statusCode() != 423) {
          return Long.parseLong(header(head(upload), "Upload-Offset"));
        }
      }
      Thread.sleep(200);
    }
    throw new AssertionError("the broken PATCH never let go of the upload");
  }

  private HttpResponse<String> send(HttpRequest request) {
    return api().exchange(request, HttpResponse.BodyHandlers.ofString());
  }

  private static String header(HttpResponse<?> response, String name) {
    return response.headers().firstValue(name).orElse(null);
  }

  private static String b64(String value) {
    return Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
  }

  private static String sha256(byte[] data) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
