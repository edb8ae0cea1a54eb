package dev.depot.health.boundary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depot.config.DepotSettings;
import dev.depot.it.Api;
import dev.depot.it.Asadmin;
import dev.depot.it.Deployments;
import dev.depot.it.Health;
import dev.depot.it.ReadOnlyDirectory;
import jakarta.json.JsonObject;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Payara Server serves Depot's MicroProfile Health checks at /health; readiness follows the disk. */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class HealthServerIT {

  @Deployment(testable = false)
  static WebArchive deployment() {
    return Deployments.war();
  }

  @ArquillianResource URL base;

  @Test
  void readinessAndLivenessAreUpWithDepotsChecks() {
    Health health = new Health(base);

    Api.Reply ready = health.ready();
    Api.Reply live = health.live();

    assertEquals(200, ready.status(), ready.body());
    assertEquals("UP", ready.json().getString("status"));
    for (String name : List.of("depot-database", "depot-storage", "depot-settings")) {
      assertEquals("UP", Health.check(ready, name).orElseThrow(() -> new AssertionError(name + " in " + ready.body())).getString("status"));
    }
    JsonObject storage = Health.check(ready, "depot-storage").orElseThrow().getJsonObject("data");
    // Payara writes health data values as strings
    assertTrue(Long.parseLong(storage.getString("free-bytes")) >= Long.parseLong(storage.getString("reserve-bytes")), storage.toString());
    assertEquals(200, live.status(), live.body());
    assertTrue(Health.check(live, "depot").isPresent(), live.body());
    assertFalse(ready.body().contains(Asadmin.startResultsDir().toString()), "no disk path in health answers");
  }

  @Test
  void readinessTurnsDownWhileTheResultsDirectoryIsUnwritableAndUpAgain() throws Exception {
    Health health = new Health(base);
    Path results = Files.createTempDirectory(Path.of(System.getProperty("depot.server.dir")), "health-results-");
    Asadmin.setSystemProperty(DepotSettings.RESULTS_DIR, results.toString());
    try {
      assertEquals("UP", health.awaitReady("UP", Duration.ofSeconds(10)).json().getString("status"));

      try (ReadOnlyDirectory readOnly = ReadOnlyDirectory.of(results)) {
        Api.Reply down = health.awaitReady("DOWN", Duration.ofSeconds(10));

        assertEquals(503, down.status(), down.body());
        JsonObject storage = Health.check(down, "depot-storage").orElseThrow();
        assertEquals("DOWN", storage.getString("status"), down.body());
        assertTrue(storage.getJsonObject("data").getString("problem").contains("not writable"), down.body());
        assertFalse(down.body().contains(results.toString()), "no disk path in health answers");
        Api.Reply upload = new Api(base).put("health-" + UUID.randomUUID() + ".bin", new byte[10]);
        assertEquals(500, upload.status(), upload.body());
        assertEquals("STORAGE_FAILURE", upload.json().getString("code"));
      }

      Api.Reply up = health.awaitReady("UP", Duration.ofSeconds(10));
      assertEquals(200, up.status(), up.body());
      assertEquals(201, new Api(base).put("health-" + UUID.randomUUID() + ".bin", new byte[10]).status());
    } finally {
      Asadmin.setSystemProperty(DepotSettings.RESULTS_DIR, Asadmin.startResultsDir().toString());
    }
  }
}
