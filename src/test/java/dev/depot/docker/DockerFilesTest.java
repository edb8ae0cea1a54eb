package dev.depot.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * docker/ is checked on every build, also where no Docker engine runs: the Dockerfiles are linted and
 * compose.yaml is validated against the Compose Specification schema (src/test/node/lint-docker.mjs,
 * with the npm packages the build installed), and both images use the server command files the test
 * suites use.
 */
class DockerFilesTest {

  private static final Path ROOT = Path.of(System.getProperty("basedir", ".")).toAbsolutePath();

  @Test
  void dockerfilesLintCleanAndComposeFileMatchesTheComposeSpecification() throws Exception {
    Process lint =
        new ProcessBuilder("node", "lint-docker.mjs", ROOT.toString())
            .directory(ROOT.resolve("src/test/node").toFile())
            .redirectErrorStream(true)
            .start();
    lint.getOutputStream().close();
    String output = new String(lint.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(lint.waitFor(2, TimeUnit.MINUTES));
    assertEquals(0, lint.exitValue(), output);
    assertTrue(output.contains("0 problem(s)"), output);
  }

  @Test
  void payaraImageIsPinnedToTheTestedPayaraServerAndAppliesTheTestedCommandFile() throws IOException {
    String dockerfile = Files.readString(ROOT.resolve("docker/payara/Dockerfile"));
    String pom = Files.readString(ROOT.resolve("pom.xml"));

    String tested = between(pom, "<payara.server.version>", "</payara.server.version>");
    assertTrue(dockerfile.contains("FROM payara/server-full:" + tested + "-jdk17"), "image tag follows pom.xml " + tested);
    assertTrue(dockerfile.contains("COPY --chown=payara:payara docker/payara/depot.asadmin ${POSTBOOT_COMMANDS}"));
    assertTrue(pom.contains("<COMMAND_FILE>${project.basedir}/docker/payara/depot.asadmin</COMMAND_FILE>"), "the server suite boots with it");
  }

  @Test
  void wildflyImageAppliesItsCliScript() throws IOException {
    String dockerfile = Files.readString(ROOT.resolve("docker/wildfly/Dockerfile"));

    assertTrue(dockerfile.contains("docker/wildfly/depot.cli"));
    assertTrue(dockerfile.contains("jboss-cli.sh --file="));
  }

  private static String between(String text, String start, String end) {
    int from = text.indexOf(start) + start.length();
    return text.substring(from, text.indexOf(end, from)).trim();
  }
}
