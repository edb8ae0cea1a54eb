package dev.depot.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * bench/run.sh is not run by the build (it takes minutes and wants an idle machine), so the build checks
 * what can rot without anyone noticing: the repository files it names still exist (it once started
 * Payara Micro with a command file that had been removed, and died two seconds in), it parses, and it
 * starts Depot the way the run command in pom.xml does.
 */
class BenchScriptTest {

  private static final Path ROOT = Path.of(System.getProperty("basedir", ".")).toAbsolutePath();
  private static final Path RUN = ROOT.resolve("bench/run.sh");

  /** $ROOT/some/file or $HERE/file (HERE is bench/), with or without braces or quotes around the name. */
  private static final Pattern REFERENCE = Pattern.compile("\\$\\{?(ROOT|HERE)}?/([A-Za-z0-9._/-]*[A-Za-z0-9_-])");

  @Test
  void everyRepositoryFileTheScriptNamesExists() throws IOException {
    List<String> missing = new ArrayList<>();
    TreeSet<String> seen = new TreeSet<>();
    Matcher m = REFERENCE.matcher(Files.readString(RUN));
    while (m.find()) {
      String path = (m.group(1).equals("HERE") ? "bench/" : "") + m.group(2);
      if (path.startsWith("target/")) {
        continue; // build output: the script builds or downloads it
      }
      seen.add(path);
      if (!Files.exists(ROOT.resolve(path))) {
        missing.add(path);
      }
    }
    assertTrue(missing.isEmpty(), "bench/run.sh names files that do not exist: " + missing);
    assertTrue(seen.contains("docker/payara/depot.asadmin"), "the command file the run command uses: " + seen);
  }

  @Test
  void scriptParses() throws Exception {
    Process bash = new ProcessBuilder("bash", "-n", RUN.toString()).redirectErrorStream(true).start();
    String output = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(bash.waitFor(30, TimeUnit.SECONDS));
    assertEquals(0, bash.exitValue(), output);
  }

  @Test
  void startsPayaraMicroWithTheRunCommandsOptions() throws IOException {
    String script = Files.readString(RUN);
    String pom = Files.readString(ROOT.resolve("pom.xml"));
    Matcher plugin = Pattern.compile("payara-micro-maven-plugin</artifactId>\\s*<configuration>(.*?)</configuration>", Pattern.DOTALL).matcher(pom);
    assertTrue(plugin.find(), "the run command's plugin configuration in pom.xml");
    String options = plugin.group(1).substring(plugin.group(1).indexOf("<commandLineOptions>"));
    Matcher key = Pattern.compile("<key>(--[a-z]+)</key>").matcher(options);
    List<String> keys = new ArrayList<>();
    while (key.find()) {
      keys.add(key.group(1));
      assertTrue(script.contains(" " + key.group(1) + " ") || script.contains(" " + key.group(1) + "\n"),
          "run.sh starts Payara Micro without the run command's " + key.group(1));
    }
    assertFalse(keys.isEmpty());
    assertTrue(script.contains("--postbootcommandfile \"$ROOT/docker/payara/depot.asadmin\""));
  }
}
