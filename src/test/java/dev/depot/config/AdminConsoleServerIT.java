package dev.depot.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depot.it.Api;
import dev.depot.it.Asadmin;
import dev.depot.it.Deployments;
import dev.depot.it.Digests;
import dev.depot.it.RandomBytes;
import java.io.IOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The operator's path, in a real browser: headless Chromium logs into Payara Server's admin console,
 * sets {@code depot.results-dir} on Configurations → server-config → System Properties and saves; the
 * next upload lands in that directory. The screenshot is kept in target/console/.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class AdminConsoleServerIT {

  @Deployment(testable = false)
  static WebArchive deployment() {
    return Deployments.war();
  }

  @ArquillianResource URL base;

  @Test
  void resultsDirSetInTheAdminConsoleReceivesTheNextUpload() throws Exception {
    Path artifacts = Files.createDirectories(Path.of(System.getProperty("depot.console.artifacts")));
    Path chosen = Files.createTempDirectory(Path.of(System.getProperty("depot.server.dir")), "console-results-");
    Path screenshot = artifacts.resolve("system-properties.png");
    try {
      String output =
          node(
              "console-system-property.mjs",
              "http://127.0.0.1:" + System.getProperty("depot.server.admin-port") + "/",
              DepotSettings.RESULTS_DIR,
              chosen.toString(),
              screenshot.toString(),
              artifacts.resolve("chromium-profile").toString());
      assertTrue(output.contains("saved " + DepotSettings.RESULTS_DIR), output);
      assertTrue(Files.size(screenshot) > 0);
      assertTrue(Asadmin.run("list-system-properties", "server-config").contains(DepotSettings.RESULTS_DIR + "=" + chosen));

      String path = "console-" + UUID.randomUUID() + "/landed.bin";
      byte[] body = RandomBytes.of(51, 100_000);
      Api.Reply reply = new Api(base).put(path, body);

      assertEquals(201, reply.status(), reply.body());
      assertEquals(Digests.sha256(body), Digests.sha256(chosen.resolve(path)));
      assertTrue(Files.notExists(Asadmin.startResultsDir().resolve(path)));
    } finally {
      Asadmin.setSystemProperty(DepotSettings.RESULTS_DIR, Asadmin.startResultsDir().toString());
    }
  }

  /** Runs a script of src/test/node with the packages `npm ci` installed there; its output is returned. */
  private static String node(String script, String... args) throws IOException, InterruptedException {
    Path dir = Path.of(System.getProperty("depot.console.dir"));
    List<String> command = new java.util.ArrayList<>(List.of("node", dir.resolve(script).toString()));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    process.getOutputStream().close();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(5, TimeUnit.MINUTES), "the browser run did not finish");
    assertEquals(0, process.exitValue(), output);
    return output;
  }
}
