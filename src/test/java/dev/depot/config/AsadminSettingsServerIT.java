package dev.depot.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depot.it.Api;
import dev.depot.it.Asadmin;
import dev.depot.it.Deployments;
import dev.depot.it.Health;
import dev.depot.it.RandomBytes;
import jakarta.json.JsonObject;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * On a full Payara Server, with Depot deployed: a system property created with {@code asadmin} applies
 * to the very next upload, with no redeploy; an invalid one is reported by readiness while the last
 * good value stays in force.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class AsadminSettingsServerIT {

  @Deployment(testable = false)
  static WebArchive deployment() {
    return Deployments.war();
  }

  @ArquillianResource URL base;

  private final String prefix = "asadmin-" + UUID.randomUUID();

  @Test
  void maxFileSizeCreatedWithAsadminAppliesToTheNextUpload() {
    Api api = new Api(base);
    byte[] twoKiB = RandomBytes.of(1, 2048);
    assertEquals(201, api.put(prefix + "/before.bin", twoKiB).status());

    Asadmin.setSystemProperty(DepotSettings.MAX_FILE_SIZE, "1KiB");
    try {
      Api.Reply refused = api.put(prefix + "/after.bin", twoKiB);

      assertEquals(413, refused.status(), refused.body());
      assertEquals("UPLOAD_TOO_LARGE", refused.json().getString("code"));
      assertEquals(201, api.put(prefix + "/small.bin", new byte[1000]).status());
    } finally {
      Asadmin.deleteSystemProperty(DepotSettings.MAX_FILE_SIZE);
    }
    assertEquals(201, api.put(prefix + "/after-delete.bin", twoKiB).status());
  }

  @Test
  void resultsDirSetWithAsadminReceivesTheNextUpload() throws Exception {
    Path moved = Files.createTempDirectory(Path.of(System.getProperty("depot.server.dir")), "asadmin-results-");
    Asadmin.setSystemProperty(DepotSettings.RESULTS_DIR, moved.toString());
    try {
      Api.Reply reply = new Api(base).put(prefix + "/moved.bin", new byte[] {1, 2, 3});

      assertEquals(201, reply.status(), reply.body());
      assertTrue(Files.isRegularFile(moved.resolve(prefix + "/moved.bin")));
      assertFalse(Files.exists(Asadmin.startResultsDir().resolve(prefix + "/moved.bin")));
    } finally {
      Asadmin.setSystemProperty(DepotSettings.RESULTS_DIR, Asadmin.startResultsDir().toString());
    }
    assertEquals(201, new Api(base).put(prefix + "/back.bin", new byte[] {4}).status());
    assertTrue(Files.isRegularFile(Asadmin.startResultsDir().resolve(prefix + "/back.bin")));
  }

  @Test
  void invalidValueIsReportedByReadinessAndTheLastGoodValueStays() {
    Api api = new Api(base);
    Health health = new Health(base);
    Asadmin.setSystemProperty(DepotSettings.MAX_FILE_SIZE, "1KiB");
    try {
      assertEquals(413, api.put(prefix + "/limited.bin", new byte[2048]).status());

      Asadmin.setSystemProperty(DepotSettings.MAX_FILE_SIZE, "lots");

      Api.Reply down = health.awaitReady("DOWN", Duration.ofSeconds(10));
      assertEquals(503, down.status(), down.body());
      JsonObject settings = Health.check(down, "depot-settings").orElseThrow();
      assertEquals("DOWN", settings.getString("status"));
      assertTrue(settings.getJsonObject("data").getString(DepotSettings.MAX_FILE_SIZE).contains("not a size"), down.body());
      Api.Reply stillLimited = api.put(prefix + "/still-limited.bin", new byte[2048]);
      assertEquals(413, stillLimited.status(), "the last good value (1KiB) stays in force: " + stillLimited.body());
      assertEquals(201, api.put(prefix + "/fits.bin", new byte[1000]).status());
    } finally {
      Asadmin.deleteSystemProperty(DepotSettings.MAX_FILE_SIZE);
    }
    Api.Reply up = health.awaitReady("UP", Duration.ofSeconds(10));
    assertEquals(200, up.status(), up.body());
  }
}
