package dev.depot.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docker/ is checked on every build, also where no Docker engine runs: the Dockerfiles are linted and
 * compose.yaml is validated against the Compose Specification schema (src/test/node/lint-docker.mjs,
 * with the npm packages the build installed), both images use the server command files the test
 * suites use, and neither the images nor the Compose file carry a usable default credential or publish
 * an admin port beyond the host's loopback.
 */
class DockerFilesTest {

  private static final Path ROOT = Path.of(System.getProperty("basedir", ".")).toAbsolutePath();

  /** What lint-docker.mjs said of the docker/ folder under {@code root}. */
  private record Lint(int status, String output) {}

  private static Lint lint(Path root) throws Exception {
    Process lint =
        new ProcessBuilder("node", "lint-docker.mjs", root.toString())
            .directory(ROOT.resolve("src/test/node").toFile())
            .redirectErrorStream(true)
            .start();
    lint.getOutputStream().close();
    String output = new String(lint.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(lint.waitFor(2, TimeUnit.MINUTES));
    return new Lint(lint.exitValue(), output);
  }

  @Test
  void dockerfilesLintCleanAndComposeFileMatchesTheComposeSpecification() throws Exception {
    Lint lint = lint(ROOT);

    assertEquals(0, lint.status(), lint.output());
    assertTrue(lint.output().contains("0 problem(s)"), lint.output());
  }

  /**
   * Depot's credential rules catch each regression: the admin port published on every interface, a
   * literal admin password, the secret not wired, the image no longer replacing admin/admin, a user or
   * password baked into an image.
   */
  @Test
  void lintRefusesPublicAdminPortsAndDefaultCredentials(@TempDir Path copy) throws Exception {
    String compose = Files.readString(ROOT.resolve("docker/compose.yaml"));
    String payara = Files.readString(ROOT.resolve("docker/payara/Dockerfile"));
    String wildfly = Files.readString(ROOT.resolve("docker/wildfly/Dockerfile"));
    write(copy.resolve("docker/compose.yaml"),
        replace(replace(replace(replace(compose,
            "\"127.0.0.1:4848:4848\"", "\"4848:4848\""),
            "    environment:\n", "    environment:\n      AS_ADMIN_PASSWORD: admin\n"),
            "    secrets:\n      - depot-admin-password\n", ""),
            "file: ${DEPOT_ADMIN_PASSWORD_FILE:?", "file: ./admin-password # ${DEPOT_ADMIN_PASSWORD_FILE:?"));
    write(copy.resolve("docker/payara/Dockerfile"),
        replace(payara, "ENV ADMIN_PASSWORD=\"\"", "ENV ADMIN_PASSWORD=admin").lines()
            .filter(l -> !l.contains("init_0_depot_admin_password.sh"))
            .collect(Collectors.joining("\n", "", "\n")));
    write(copy.resolve("docker/wildfly/Dockerfile"),
        wildfly + "RUN /opt/jboss/wildfly/bin/add-user.sh -u admin -p admin \\\n    && echo 'AS_ADMIN_PASSWORD=admin' > /tmp/p\n");

    Lint lint = lint(copy);

    assertEquals(1, lint.status(), lint.output());
    for (String expected :
        List.of(
            "docker/compose.yaml: depot publishes admin port 4848 on every interface",
            "docker/compose.yaml: depot sets AS_ADMIN_PASSWORD to a literal admin password",
            "docker/compose.yaml: depot must get the admin password as the secret depot-admin-password",
            "docker/compose.yaml: secret depot-admin-password must come from a file the operator names",
            "docker/payara/Dockerfile: ENV ADMIN_PASSWORD gives a password a value",
            "docker/payara/Dockerfile: must COPY docker/payara/admin-password.sh",
            "docker/payara/Dockerfile: must RUN ${SCRIPT_DIR}/init_0_depot_admin_password.sh",
            "docker/wildfly/Dockerfile: sets a password or adds a user in the image",
            "docker/wildfly/Dockerfile: writes a literal asadmin password")) {
      assertTrue(lint.output().contains(expected), expected + " in:\n" + lint.output());
    }
  }

  @Test
  void composeBindsEveryAdminPortToLoopbackAndTakesTheAdminPasswordOnlyFromASecret() throws IOException {
    String compose = Files.readString(ROOT.resolve("docker/compose.yaml"));

    assertTrue(compose.contains("- \"127.0.0.1:4848:4848\""), compose);
    assertTrue(compose.contains("file: ${DEPOT_ADMIN_PASSWORD_FILE:?"), compose);
    assertFalse(compose.contains("password \"admin\""), "no documented default password");
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

  private static String replace(String text, String target, String replacement) {
    assertTrue(text.contains(target), "the test's mutation no longer applies: " + target);
    return text.replace(target, replacement);
  }

  private static void write(Path file, String text) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, text);
  }

  private static String between(String text, String start, String end) {
    int from = text.indexOf(start) + start.length();
    return text.substring(from, text.indexOf(end, from)).trim();
  }
}
