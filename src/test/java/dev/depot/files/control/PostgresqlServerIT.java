package dev.depot.files.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depot.it.Api;
import dev.depot.it.Deployments;
import dev.depot.it.Digests;
import dev.depot.it.Health;
import dev.depot.it.RandomBytes;
import dev.depot.storage.control.ListingPlanServerIT;
import jakarta.json.JsonObject;
import java.net.URI;
import java.net.URL;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
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
 * The same WAR, unchanged, on a full Payara Server whose default data source was pointed at the real
 * PostgreSQL by docker/payara/depot.asadmin: the schema is the one the migrations created (the suite
 * starts from an empty schema), and every upload is a row there, read back here over plain JDBC.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class PostgresqlServerIT {

  @Deployment(testable = false)
  static WebArchive deployment() {
    return Deployments.war();
  }

  @ArquillianResource URL base;

  private final String prefix = "pg-" + UUID.randomUUID();

  @Test
  void readinessSaysTheDatabaseIsPostgresqlAtTheLatestSchemaVersion() {
    Api.Reply ready = new Health(base).ready();

    JsonObject database = Health.check(ready, "depot-database").orElseThrow(() -> new AssertionError(ready.body()));
    assertEquals("UP", database.getString("status"), ready.body());
    assertEquals("PostgreSQL", database.getJsonObject("data").getString("database"));
    // the latest of db/depot and PostgreSQL's own db/vendor/postgresql
    assertEquals(dev.depot.it.Migrations.latest(true), database.getJsonObject("data").getString("schema-version"));
  }

  @Test
  void theSchemaWasCreatedByTheMigrations() throws SQLException {
    try (Connection db = postgresql();
        ResultSet history = db.createStatement().executeQuery(
            "SELECT version, script, success FROM depot_schema_history WHERE version IS NOT NULL ORDER BY installed_rank")) {
      List<String> applied = new ArrayList<>();
      while (history.next()) {
        assertTrue(history.getBoolean("success"), history.getString("script"));
        applied.add(history.getString("version") + " " + history.getString("script"));
      }
      assertTrue(applied.contains("1 V1__stored_file.sql"), applied.toString());
      assertTrue(applied.contains("3 V3__path_in_byte_order.sql"), applied.toString());
      // issue 13's tables and columns, on PostgreSQL as well as H2
      assertTrue(applied.contains("4 V4__written_by.sql"), applied.toString());
      assertTrue(applied.contains("5 V5__audit.sql"), applied.toString());
      assertTrue(applied.contains("6 V6__quota.sql"), applied.toString());
      assertTrue(applied.contains("7 V7__resumable_upload.sql"), applied.toString());
      assertTrue(applied.contains("8 V8__upload_claim.sql"), applied.toString());
    }
    try (Connection db = postgresql();
        PreparedStatement query = db.prepareStatement("SELECT collation_name FROM information_schema.columns"
            + " WHERE table_schema = ? AND table_name = 'stored_file' AND column_name = 'path'")) {
      query.setString(1, System.getProperty("depot.server.db.schema"));
      try (ResultSet column = query.executeQuery()) {
        assertTrue(column.next(), "stored_file.path exists");
        assertEquals("C", column.getString(1), "the path is compared byte by byte (V3)");
      }
    }
    try (Connection db = postgresql();
        ResultSet column = db.getMetaData().getColumns(null, System.getProperty("depot.server.db.schema"), "stored_file", "created")) {
      assertTrue(column.next(), "stored_file.created exists");
      assertEquals("timestamptz", column.getString("TYPE_NAME"));
    }
  }

  @Test
  void everyUploadIsARowInPostgresql() throws SQLException {
    Api api = new Api(base);
    byte[] put = RandomBytes.of(41, 300_000);
    byte[] stream = RandomBytes.of(42, 5000);
    JsonObject answer = api.put(prefix + "/put.bin", put).json();
    api.send(HttpRequest.newBuilder(api.uri("stream?filename=s.bin&filedir=" + prefix)).POST(HttpRequest.BodyPublishers.ofByteArray(stream)).build());

    try (Connection db = postgresql();
        PreparedStatement query = db.prepareStatement("SELECT size_bytes, sha256, created FROM stored_file WHERE path = ?")) {
      query.setString(1, prefix + "/put.bin");
      try (ResultSet row = query.executeQuery()) {
        assertTrue(row.next(), "row of " + prefix + "/put.bin");
        assertEquals(put.length, row.getLong("size_bytes"));
        assertEquals(Digests.sha256(put), row.getString("sha256"));
        assertEquals(Instant.parse(answer.getString("created")), row.getObject("created", java.time.OffsetDateTime.class).toInstant());
      }
      query.setString(1, prefix + "/s.bin");
      try (ResultSet row = query.executeQuery()) {
        assertTrue(row.next(), "row of " + prefix + "/s.bin");
        assertEquals(Digests.sha256(stream), row.getString("sha256"));
      }
    }
  }

  /**
   * Issue 14 on PostgreSQL through EclipseLink: a tus upload is a row whose offset moves with each
   * PATCH (a locked read and a versioned update), and which says complete, with the file's SHA-256, once
   * the last PATCH published the file.
   */
  @Test
  void aResumableUploadIsARowWhoseOffsetMovesWithEachPatch() throws SQLException {
    Api api = new Api(base);
    byte[] data = RandomBytes.of(43, 200_000);
    String metadata = "filename " + java.util.Base64.getEncoder().encodeToString("tus.bin".getBytes(StandardCharsets.UTF_8))
        + ",dir " + java.util.Base64.getEncoder().encodeToString(prefix.getBytes(StandardCharsets.UTF_8));
    HttpResponse<String> created = api.exchange(HttpRequest.newBuilder(api.uri("uploads")).header("Tus-Resumable", "1.0.0")
        .header("Upload-Length", String.valueOf(data.length)).header("Upload-Metadata", metadata)
        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(201, created.statusCode(), created.body());
    URI upload = URI.create(created.headers().firstValue("Location").orElseThrow());
    String id = upload.getPath().substring(upload.getPath().lastIndexOf('/') + 1);
    assertEquals(List.of("0", "active", "it-writer"), uploadRow(id));

    assertEquals(204, patch(api, upload, 0, Arrays.copyOfRange(data, 0, 80_000)));
    assertEquals(List.of("80000", "active", "it-writer"), uploadRow(id));
    assertEquals(204, patch(api, upload, 80_000, Arrays.copyOfRange(data, 80_000, data.length)));

    assertEquals(List.of("200000", "complete", "it-writer"), uploadRow(id));
    try (Connection db = postgresql();
        PreparedStatement query = db.prepareStatement("SELECT u.sha256, f.sha256 FROM resumable_upload u JOIN stored_file f"
            + " ON f.path = u.target_path WHERE u.id = ?")) {
      query.setString(1, id);
      try (ResultSet row = query.executeQuery()) {
        assertTrue(row.next(), "the upload's row and its stored file's");
        assertEquals(Digests.sha256(data), row.getString(1));
        assertEquals(Digests.sha256(data), row.getString(2));
      }
    }
  }

  private static int patch(Api api, URI upload, long offset, byte[] chunk) {
    return api.exchange(HttpRequest.newBuilder(upload).header("Tus-Resumable", "1.0.0").header("Upload-Offset", String.valueOf(offset))
        .header("Content-Type", "application/offset+octet-stream").method("PATCH", HttpRequest.BodyPublishers.ofByteArray(chunk)).build(),
        HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  /** The upload row's offset, state and owner. */
  private static List<String> uploadRow(String id) throws SQLException {
    try (Connection db = postgresql();
        PreparedStatement query = db.prepareStatement("SELECT upload_offset, state, owner FROM resumable_upload WHERE id = ?")) {
      query.setString(1, id);
      try (ResultSet row = query.executeQuery()) {
        assertTrue(row.next(), "row of upload " + id);
        return List.of(String.valueOf(row.getLong(1)), row.getString(2), row.getString(3));
      }
    }
  }

  @Test
  void replacingAFileKeepsItsCreationInstantExactly() {
    Api api = new Api(base);
    JsonObject first = api.put(prefix + "/twice.txt", new byte[] {1}).json();

    Api.Reply second = api.put(prefix + "/twice.txt", new byte[] {2, 2});

    assertEquals(200, second.status(), second.body());
    assertEquals(first.getString("created"), second.json().getString("created"));
  }

  /**
   * Through EclipseLink on PostgreSQL, the listing is in code point order (the path's "C" collation,
   * V3), pages follow each other by cursor, and a prefix finds every file whatever character it ends
   * in: where code points and UTF-16 part (full-width forms against characters above U+FFFF) and where
   * a linguistic collation would put a prefix's range elsewhere ('z{' after 'zb', '.' after '-').
   */
  @Test
  void listingIsInCodePointOrderPageByPageAndFindsEveryPrefix() throws SQLException {
    Api api = new Api(base);
    String dir = prefix + "/list/";
    List<String> names = List.of("e", "é", "f", "x-y", "x.y", "x0", "z", "za", "zb/c", "z{", "Z",
        "\uFF01a", "\uFF5E", "😀", "😀x", "\uD83C\uDFFF", "\uD83D\uDC00");
    List<String> paths = names.stream().map(n -> dir + n).toList();
    for (String path : paths) {
      assertEquals(201, api.put(encoded(path), new byte[] {1}).status(), path);
    }
    List<String> inCodePoints = new ArrayList<>(paths);
    inCodePoints.sort(Comparator.comparing((String p) -> p.getBytes(StandardCharsets.UTF_8), Arrays::compareUnsigned));

    List<String> listed = new ArrayList<>();
    String cursor = null;
    int pages = 0;
    do {
      JsonObject page = list(api, dir, 3, cursor);
      listed.addAll(page.getJsonArray("items").getValuesAs(JsonObject.class).stream().map(o -> o.getString("path")).toList());
      cursor = page.isNull("next") ? null : page.getString("next");
    } while (cursor != null && ++pages < 20);

    assertEquals(inCodePoints, listed);
    for (String name : names) {
      for (int end = name.length(); end > 0; end = name.offsetByCodePoints(end, -1)) {
        String p = dir + name.substring(0, end);
        List<String> expected = inCodePoints.stream().filter(path -> path.startsWith(p)).toList();
        List<String> found = list(api, p, 1000, null).getJsonArray("items").getValuesAs(JsonObject.class).stream()
            .map(o -> o.getString("path")).toList();
        assertEquals(expected, found, "prefix " + p);
      }
    }

    // The statement EclipseLink sent, as the server's pooled connections show their last one: the very
    // SQL whose plans ListingPlanServerIT checks on 100,000 rows.
    List<String> sent = new ArrayList<>();
    try (Connection db = postgresql();
        ResultSet q = db.createStatement().executeQuery("SELECT query FROM pg_stat_activity"
            + " WHERE datname = current_database() AND pid <> pg_backend_pid() AND query LIKE '%FROM stored_file WHERE%LIKE%'")) {
      while (q.next()) {
        sent.add(q.getString(1));
      }
    }
    String expected = numbered(ListingPlanServerIT.ECLIPSELINK_PAGE);
    assertTrue(sent.contains(expected), "EclipseLink's page query " + sent + " is not ListingPlanServerIT's " + expected);
  }

  /** JDBC's ? placeholders as the driver sends them: $1, $2, … */
  private static String numbered(String sql) {
    StringBuilder out = new StringBuilder();
    int n = 0;
    for (char c : sql.toCharArray()) {
      if (c == '?') {
        out.append('$').append(++n);
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  private static JsonObject list(Api api, String prefix, int limit, String cursor) {
    String query = "files?prefix=" + URLEncoder.encode(prefix, StandardCharsets.UTF_8) + "&limit=" + limit
        + (cursor == null ? "" : "&cursor=" + cursor);
    Api.Reply reply = api.send(HttpRequest.newBuilder(api.uri(query)).build());
    assertEquals(200, reply.status(), reply.body());
    return reply.json();
  }

  /** A path as a URL path: each segment percent-encoded (none holds a space). */
  private static String encoded(String path) {
    return Arrays.stream(path.split("/")).map(s -> URLEncoder.encode(s, StandardCharsets.UTF_8)).collect(Collectors.joining("/"));
  }

  private static Connection postgresql() throws SQLException {
    return DriverManager.getConnection(System.getProperty("depot.server.db.url"), System.getProperty("depot.server.db.user"), "");
  }
}
