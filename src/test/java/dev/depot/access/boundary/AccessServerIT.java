package dev.depot.access.boundary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depot.config.DepotSettings;
import dev.depot.it.Api;
import dev.depot.it.Asadmin;
import dev.depot.it.Deployments;
import dev.depot.it.Multipart;
import dev.depot.it.Users;
import java.net.URL;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.UUID;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Payara Server with its file realm, the users an admin made with {@code asadmin create-file-user}
 * (payara-server.sh), and grants set with {@code asadmin create-system-properties}: who may do what,
 * through Depot's HTTP API only. The full matrix runs on Payara Micro and WildFly ({@link AccessIT}).
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class AccessServerIT {

  @Deployment(testable = false)
  static WebArchive deployment() {
    return Deployments.war();
  }

  @ArquillianResource URL base;

  private final String run = UUID.randomUUID().toString().substring(0, 8);

  @Test
  void theFileRealmsUsersAndGroupsDecideWithGrantsSetByAsadmin() {
    Api writer = new Api(base);
    Asadmin.setSystemProperty(DepotSettings.GRANTS, AccessIT.TEAM_GRANTS.replace('\n', ';'));
    try {
      String path = "team-a/" + run + "/server.txt";
      Api.Reply anonymous = writer.anonymous().put(path, "x".getBytes(StandardCharsets.UTF_8));
      assertEquals(401, anonymous.status(), anonymous.body());
      assertEquals("UNAUTHENTICATED", anonymous.json().getString("code"));

      Api.Reply byAlice = writer.as(Users.ALICE).put(path, "a".getBytes(StandardCharsets.UTF_8));
      assertEquals(201, byAlice.status(), "alice writes team-a/ by her realm group: " + byAlice.body());
      assertEquals(Users.ALICE, byAlice.json().getString("createdBy"));
      assertEquals(403, writer.as(Users.BOB).put(path, "b".getBytes(StandardCharsets.UTF_8)).status(), "bob is team-b");
      assertEquals(403, writer.as(Users.READER).put(path, "r".getBytes(StandardCharsets.UTF_8)).status());
      assertEquals(200, writer.as(Users.READER).send(writer.file(path).GET().build()).status());
      Api.Reply multipart = writer.as(Users.BOB).post("files", new Multipart().field("dir", "team-a/" + run).file("file", "mp.txt", new byte[] {1}));
      assertEquals(403, multipart.status(), multipart.body());
      assertEquals(404, writer.send(writer.file("team-a/" + run + "/mp.txt").GET().build()).status(), "nothing stored");

      Api.Reply wrong = writer.withAuthorization("Basic " + Base64.getEncoder().encodeToString(
          (Users.ALICE + ":wrong").getBytes(StandardCharsets.UTF_8))).put(path, new byte[] {1});
      assertEquals(401, wrong.status(), wrong.body());
      assertEquals("INVALID_CREDENTIALS", wrong.json().getString("code"));

      Api.Reply session = writer.anonymous().send(HttpRequest.newBuilder(writer.uri("session"))
          .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"" + Users.ALICE + "\",\"password\":\""
              + Users.get(Users.ALICE).password() + "\"}"))
          .header("Content-Type", "application/json").build());
      assertEquals(200, session.status(), session.body());
      assertTrue(session.json().getJsonArray("groups").toString().contains("team-a"), session.body());
    } finally {
      Asadmin.deleteSystemProperty(DepotSettings.GRANTS);
    }
  }
}
