package dev.depot.storage.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depot.config.DepotSettings;
import dev.depot.storage.entity.StoredFile;
import dev.depot.it.Api;
import dev.depot.it.Deployments;
import dev.depot.it.Digests;
import dev.depot.it.ItDirs;
import dev.depot.it.Multipart;
import dev.depot.it.RandomBytes;
import dev.depot.it.Users;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import java.net.URL;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * In-container: uploads go over HTTP as usual, then the test looks at what only the server can see —
 * the {@link StoredFile} rows, and the effect of changing a server system property while Depot runs.
 */
@ExtendWith(ArquillianExtension.class)
class StoredFilesIT {

  @Deployment
  static WebArchive deployment() {
    return Deployments.withTestClients(Digests.class, Multipart.class, RandomBytes.class);
  }

  @Inject StoredFiles storedFiles;

  @jakarta.annotation.Resource(lookup = "java:comp/DefaultDataSource")
  javax.sql.DataSource dataSource;

  @ArquillianResource URL base;

  private final String prefix = "rows-" + UUID.randomUUID();

  @Test
  void everyStoredFileHasAMatchingRow() {
    Api api = new Api(base);
    byte[] put = RandomBytes.of(1, 123_456);
    byte[] partA = RandomBytes.of(2, 1000);
    byte[] partB = RandomBytes.of(3, 2000);
    byte[] seed = RandomBytes.of(4, 3000);
    byte[] stream = RandomBytes.of(5, 4000);
    List<JsonObject> answers = new ArrayList<>();
    answers.add(api.put(prefix + "/put.bin", HttpRequest.BodyPublishers.ofByteArray(put), "text/x-put").json());
    answers.addAll(
        api.post("files", new Multipart().field("dir", prefix + "/multi").file("f", "a.bin", partA).file("f", "b.bin", partB))
            .json().getJsonArray("files").getValuesAs(JsonObject.class));
    api.post("upload", new Multipart().file("upload_file", prefix + "-seed.bin", seed));
    api.send(HttpRequest.newBuilder(api.uri("stream?filename=s.bin&filedir=" + prefix)).POST(HttpRequest.BodyPublishers.ofByteArray(stream)).build());

    for (JsonObject answer : answers) {
      StoredFile row = storedFiles.findByPath(answer.getString("path")).orElseThrow();
      assertEquals(answer.getJsonNumber("size").longValueExact(), row.getSize());
      assertEquals(answer.getString("sha256"), row.getSha256());
      assertEquals(answer.getString("contentType"), row.getContentType());
    }
    assertEquals("text/x-put", storedFiles.findByPath(prefix + "/put.bin").orElseThrow().getContentType());
    assertEquals("a.bin", storedFiles.findByPath(prefix + "/multi/a.bin").orElseThrow().getOriginalFilename());
    assertEquals(Digests.sha256(seed), storedFiles.findByPath(prefix + "-seed.bin").orElseThrow().getSha256());
    assertEquals(Digests.sha256(stream), storedFiles.findByPath(prefix + "/s.bin").orElseThrow().getSha256());
  }

  /**
   * Issue 16's precondition for a second instance: a row another instance changed (here: plain JDBC
   * on the same data source, outside JPA, as instance B's replace would) is what the next read sees,
   * through the repository and over HTTP. A JPA shared cache (EclipseLink's is on by default) would
   * hand out the copy it read before.
   */
  @Test
  void aRowChangedOutsideThisServersJpaIsWhatTheNextReadSees() throws Exception {
    Api api = new Api(base);
    String path = prefix + "/replaced-elsewhere.bin";
    assertEquals(201, api.put(path, RandomBytes.of(6, 1000)).status());
    assertEquals(Users.WRITER, storedFiles.findByPath(path).orElseThrow().getModifiedBy()); // read once: cached, if anything caches
    assertEquals(Users.WRITER, api.send(HttpRequest.newBuilder(api.uri("metadata/" + path)).build()).json().getString("modifiedBy"));

    try (java.sql.Connection db = dataSource.getConnection();
        java.sql.PreparedStatement update = db.prepareStatement(
            "UPDATE stored_file SET modified_by = ?, size_bytes = ?, version = version + 1 WHERE path = ?")) {
      update.setString(1, "instance-b");
      update.setLong(2, 4242);
      update.setString(3, path);
      assertEquals(1, update.executeUpdate());
    }

    StoredFile row = storedFiles.findByPath(path).orElseThrow();
    assertEquals("instance-b", row.getModifiedBy());
    assertEquals(4242, row.getSize());
    JsonObject metadata = api.send(HttpRequest.newBuilder(api.uri("metadata/" + path)).build()).json();
    assertEquals("instance-b", metadata.getString("modifiedBy"));
    assertEquals(4242, metadata.getJsonNumber("size").longValue());
    assertEquals(204, api.send(api.file(path).DELETE().build()).status()); // a row that no longer fits its file goes
  }

  @Test
  void rejectedUploadLeavesNoRow() {
    Api.Reply reply = new Api(base).put(prefix + "/../../x", new byte[10]);

    assertEquals(400, reply.status());
    assertTrue(storedFiles.findByPath("x").isEmpty());
  }

  @Test
  void changingTheResultsDirAtRuntimeSendsTheNextUploadThere() throws Exception {
    Path moved = Files.createTempDirectory(ItDirs.base(), "moved-results-");
    String previous = System.getProperty(DepotSettings.RESULTS_DIR);
    System.setProperty(DepotSettings.RESULTS_DIR, moved.toString());
    try {
      Api.Reply reply = new Api(base).put(prefix + "/moved.bin", new byte[] {1, 2, 3});

      assertEquals(201, reply.status(), reply.body());
      assertTrue(Files.isRegularFile(moved.resolve(prefix + "/moved.bin")));
      assertFalse(Files.exists(Path.of(previous).resolve(prefix + "/moved.bin")));
    } finally {
      System.setProperty(DepotSettings.RESULTS_DIR, previous);
    }
    Api.Reply after = new Api(base).put(prefix + "/back.bin", new byte[] {4});
    assertEquals(201, after.status(), after.body());
    assertTrue(Files.isRegularFile(Path.of(previous).resolve(prefix + "/back.bin")));
  }
}
