package dev.depot.files.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depot.it.Api;
import dev.depot.it.Deployments;
import dev.depot.it.Digests;
import dev.depot.it.Health;
import dev.depot.it.RandomBytes;
import jakarta.json.JsonObject;
import java.net.URL;
import java.net.http.HttpRequest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
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
  void readinessSaysTheDatabaseIsPostgresqlAtSchemaVersionThree() {
    Api.Reply ready = new Health(base).ready();

    JsonObject database = Health.check(ready, "depot-database").orElseThrow(() -> new AssertionError(ready.body()));
    assertEquals("UP", database.getString("status"), ready.body());
    assertEquals("PostgreSQL", database.getJsonObject("data").getString("database"));
    // V3 is PostgreSQL's own (db/vendor/postgresql); H2 stays below it
    assertEquals("3", database.getJsonObject("data").getString("schema-version"));
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

  @Test
  void replacingAFileKeepsItsCreationInstantExactly() {
    Api api = new Api(base);
    JsonObject first = api.put(prefix + "/twice.txt", new byte[] {1}).json();

    Api.Reply second = api.put(prefix + "/twice.txt", new byte[] {2, 2});

    assertEquals(200, second.status(), second.body());
    assertEquals(first.getString("created"), second.json().getString("created"));
  }

  private static Connection postgresql() throws SQLException {
    return DriverManager.getConnection(System.getProperty("depot.server.db.url"), System.getProperty("depot.server.db.user"), "");
  }
}
