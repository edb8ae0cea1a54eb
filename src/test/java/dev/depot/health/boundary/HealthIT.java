package dev.depot.health.boundary;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.depot.it.Api;
import dev.depot.it.Deployments;
import dev.depot.it.Health;
import jakarta.json.JsonObject;
import java.net.URL;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * With zero setup (the server's default data source: embedded H2 on Payara Micro and on WildFly) Depot
 * is ready, on the schema its migrations made.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class HealthIT {

  @Deployment(testable = false)
  static WebArchive deployment() {
    return Deployments.war();
  }

  @ArquillianResource URL base;

  @Test
  void readyOnTheEmbeddedH2AtTheLatestSchemaVersion() {
    Api.Reply ready = new Health(base).ready();

    assertEquals(200, ready.status(), ready.body());
    JsonObject database = Health.check(ready, "depot-database").orElseThrow(() -> new AssertionError(ready.body()));
    assertEquals("H2", database.getJsonObject("data").getString("database"));
    assertEquals(dev.depot.it.Migrations.latest(false), database.getJsonObject("data").getString("schema-version"));
    assertEquals("UP", Health.check(ready, "depot-storage").orElseThrow().getString("status"));
  }
}
