package dev.depot.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docker/payara/admin-password.sh, sourced as payara/server-full's entrypoint sources its init scripts,
 * against a stand-in asadmin that records what it was asked: the admin password becomes the operator's
 * (secret file, else environment) or a random one, never stays the image's admin/admin, and a password
 * that cannot be used stops the start. The real change-admin-password it calls was tried by hand on
 * Payara Server 6.2025.9 (README, "Docker").
 */
class AdminPasswordScriptTest {

  private static final Path SCRIPT =
      Path.of(System.getProperty("basedir", ".")).toAbsolutePath().resolve("docker/payara/admin-password.sh");

  @TempDir Path dir;
  private Path passwordFile;
  private Path asadminLog;

  /** What the sourcing shell ended with. */
  private record Run(int status, String output) {}

  @BeforeEach
  void imageAsBuilt() throws IOException {
    Path bin = Files.createDirectories(dir.resolve("appserver/bin"));
    Path asadmin = bin.resolve("asadmin");
    // Records its arguments and the password file it was given; fails when told to.
    Files.writeString(asadmin, """
        #!/bin/bash
        prev=""; file=""
        for a in "$@"; do [ "$prev" = "--passwordfile" ] && file=$a; prev=$a; done
        { echo "ARGS $*"; cat "$file"; } >> "$STUB_LOG"
        exit "${STUB_STATUS:-0}"
        """);
    asadmin.toFile().setExecutable(true);
    passwordFile = dir.resolve("passwordFile");
    // As payara/server-full leaves it (plus a master password line some images add).
    Files.writeString(passwordFile, "AS_ADMIN_MASTERPASSWORD=changeit\nAS_ADMIN_PASSWORD=admin\n");
    asadminLog = dir.resolve("asadmin.log");
  }

  private Run source(Map<String, String> env, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("bash", "-c", ". \"$0\" \"$@\"; echo \"--- env\"; env", SCRIPT.toString()));
    command.addAll(List.of(args));
    ProcessBuilder shell = new ProcessBuilder(command).redirectErrorStream(true);
    Map<String, String> environment = shell.environment();
    String path = environment.get("PATH");
    environment.clear();
    environment.put("PATH", path);
    environment.put("PAYARA_DIR", dir.resolve("appserver").toString());
    environment.put("ADMIN_USER", "admin");
    environment.put("ADMIN_PASSWORD", "admin");
    environment.put("DOMAIN_NAME", "domain1");
    environment.put("PASSWORD_FILE", passwordFile.toString());
    environment.put("STUB_LOG", asadminLog.toString());
    environment.putAll(env);
    Process process = shell.start();
    process.getOutputStream().close();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(1, TimeUnit.MINUTES));
    return new Run(process.exitValue(), output);
  }

  private List<String> asadminCalls() throws IOException {
    return Files.exists(asadminLog) ? Files.readAllLines(asadminLog) : List.of();
  }

  private Path secret(String content) throws IOException {
    return Files.writeString(dir.resolve("secret"), content);
  }

  /** Asserts one change-admin-password call, from {@code old} to {@code now}, in local mode. */
  private void assertChanged(String old, String now) throws IOException {
    List<String> calls = asadminCalls();
    assertEquals(3, calls.size(), calls.toString());
    assertTrue(
        calls.get(0).matches("ARGS --user admin --passwordfile \\S+ change-admin-password --domain_name domain1"),
        calls.get(0));
    assertEquals("AS_ADMIN_PASSWORD=" + old, calls.get(1));
    assertEquals("AS_ADMIN_NEWPASSWORD=" + now, calls.get(2));
  }

  private String passwords() throws IOException {
    return Files.readString(passwordFile);
  }

  private static String environmentAfter(Run run) {
    return run.output().substring(run.output().indexOf("--- env"));
  }

  @Test
  void theSecretFileReplacesTheImagesPasswordAndNoPasswordStaysInTheEnvironment() throws Exception {
    Run run =
        source(Map.of(
            "DEPOT_ADMIN_PASSWORD_FILE", secret("S3cret-Depot_2026\n").toString(),
            "DEPOT_ADMIN_PASSWORD", "ignored-when-a-file-is-given"));

    assertEquals(0, run.status(), run.output());
    assertChanged("admin", "S3cret-Depot_2026");
    assertEquals("AS_ADMIN_MASTERPASSWORD=changeit\nAS_ADMIN_PASSWORD=S3cret-Depot_2026\n", passwords());
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(passwordFile)));
    assertFalse(environmentAfter(run).contains("ADMIN_PASSWORD="), environmentAfter(run));
    assertTrue(run.output().contains("has the password from the file"), run.output());
  }

  @Test
  void theSamePasswordAtTheNextStartChangesNothing() throws Exception {
    Files.writeString(passwordFile, "AS_ADMIN_PASSWORD=S3cret-Depot_2026\n");

    Run run = source(Map.of("DEPOT_ADMIN_PASSWORD_FILE", secret("S3cret-Depot_2026").toString()));

    assertEquals(0, run.status(), run.output());
    assertEquals(List.of(), asadminCalls());
  }

  @Test
  void theEnvironmentVariableIsTheFallback() throws Exception {
    Run run = source(Map.of("DEPOT_ADMIN_PASSWORD", "Another-one_42"));

    assertEquals(0, run.status(), run.output());
    assertChanged("admin", "Another-one_42");
    assertFalse(environmentAfter(run).contains("DEPOT_ADMIN_PASSWORD"), environmentAfter(run));
  }

  @Test
  void withoutAPasswordTheAccountIsLockedWithARandomOne() throws Exception {
    Run first = source(Map.of());
    String locked = passwords();
    asadminLog.toFile().delete();
    Run second = source(Map.of());

    assertEquals(0, first.status(), first.output());
    assertEquals(0, second.status(), second.output());
    assertTrue(locked.matches("AS_ADMIN_MASTERPASSWORD=changeit\nAS_ADMIN_PASSWORD=[A-Za-z0-9+/=]{32}\n"), locked);
    assertNotEquals(locked, passwords(), "a fresh random password at every start");
    assertTrue(first.output().contains("random password nobody knows"), first.output());
  }

  @Test
  void aPasswordThatCannotBeUsedStopsTheStartAndChangesNothing() throws Exception {
    Path directory = Files.createDirectories(dir.resolve("not-a-file"));
    for (Map<String, String> unusable :
        List.of(
            Map.of("DEPOT_ADMIN_PASSWORD", "short"),
            Map.of("DEPOT_ADMIN_PASSWORD", "has space"),
            Map.of("DEPOT_ADMIN_PASSWORD", "dollar$HOME-x"),
            Map.of("DEPOT_ADMIN_PASSWORD", "quote'd-password"),
            Map.of("DEPOT_ADMIN_PASSWORD_FILE", dir.resolve("missing").toString()),
            Map.of("DEPOT_ADMIN_PASSWORD_FILE", directory.toString()),
            Map.of("DEPOT_ADMIN_PASSWORD_FILE", dir.resolve("empty").toString()))) {
      Files.writeString(dir.resolve("empty"), "");

      Run run = source(unusable);

      assertEquals(1, run.status(), unusable + ": " + run.output());
      assertFalse(run.output().contains("--- env"), "the entrypoint stops: " + run.output());
      assertEquals(List.of(), asadminCalls(), unusable.toString());
      assertEquals("AS_ADMIN_MASTERPASSWORD=changeit\nAS_ADMIN_PASSWORD=admin\n", passwords(), unusable.toString());
    }
  }

  @Test
  void aFailedChangeAtAStartKeepsTheAccountAsItWasAndWarns() throws Exception {
    // The build already replaced admin/admin, so what the account keeps is a password someone chose (in
    // the console, most likely, which the password file does not know) or a random one.
    Files.writeString(passwordFile, "AS_ADMIN_PASSWORD=Build-time-random\n");

    Run run = source(Map.of("DEPOT_ADMIN_PASSWORD", "Another-one_42", "STUB_STATUS", "1"));

    assertEquals(0, run.status(), run.output());
    assertTrue(run.output().contains("Could not change the password") && run.output().contains("WARNING"), run.output());
    assertEquals("AS_ADMIN_PASSWORD=Build-time-random\n", passwords());
    assertFalse(environmentAfter(run).contains("DEPOT_ADMIN_PASSWORD"), environmentAfter(run));
  }

  @Test
  void atImageBuildTheAdminAdminAccountGetsARandomPasswordOrTheBuildFails() throws Exception {
    Run built = source(Map.of(), "--image-build");
    String locked = passwords();
    Files.writeString(passwordFile, "AS_ADMIN_PASSWORD=admin\n");
    Run failed = source(Map.of("STUB_STATUS", "1"), "--image-build");

    assertEquals(0, built.status(), built.output());
    assertTrue(locked.matches("AS_ADMIN_MASTERPASSWORD=changeit\nAS_ADMIN_PASSWORD=[A-Za-z0-9+/=]{32}\n"), locked);
    assertEquals(1, failed.status(), failed.output());
    assertEquals("AS_ADMIN_PASSWORD=admin\n", passwords());
  }
}
