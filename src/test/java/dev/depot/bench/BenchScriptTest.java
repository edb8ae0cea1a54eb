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
import org.junit.jupiter.api.io.TempDir;

/**
 * bench/run.sh is not run by the build (it takes minutes and wants an idle machine), so the build checks
 * what can rot without anyone noticing: the repository files it names still exist (it once started
 * Payara Micro with a command file that had been removed, and died two seconds in), it parses, it
 * starts Depot the way the run command (Payara Micro) and the WildFly suite (pom.xml) do, and
 * bench/report.py still turns raw figures into the tables, ratios and target verdicts.
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
    assertTrue(seen.contains("src/main/run/dev-account.sh"), "the run command's development account: " + seen);
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
    // the run command's post-boot file, made as the build makes it: the command file plus the development account
    assertTrue(script.contains("src/main/run/dev-account.sh\" \"$ROOT/docker/payara/depot.asadmin\""), "run.sh makes the run command's post-boot file");
    assertTrue(script.contains("--postbootcommandfile \"$dir/run/post-boot.asadmin\""));
    assertTrue(pom.contains("<value>${project.build.directory}/depot-run/post-boot.asadmin</value>"), "the run command uses that file too");
  }

  @Test
  void configuresWildFlyAsTheWildFlySuiteDoes() throws IOException {
    String script = Files.readString(RUN);
    String pom = Files.readString(ROOT.resolve("pom.xml"));
    String cli = script.substring(script.indexOf("<<EOF\n") + 6, script.indexOf("\nEOF\n"));
    List<String> commands = new ArrayList<>();
    for (String line : cli.split("\n")) {
      if (line.startsWith("/extension=") || line.startsWith("/subsystem=microprofile")) {
        commands.add(line);
        assertTrue(pom.contains("<command>" + line + "</command>"), "the WildFly suite does not run " + line);
      }
    }
    assertEquals(4, commands.size(), "MicroProfile Health and OpenAPI: " + commands);
    assertTrue(cli.contains("run-batch --file=$ROOT/docker/wildfly/depot.cli"));
    assertTrue(pom.contains("<command>run-batch --file=${project.basedir}/docker/wildfly/depot.cli</command>"));
  }

  @Test
  void reportPrintsTheTablesRatiosAndTargetsForBothServers(@TempDir Path dir) throws Exception {
    long gib = 1L << 30;
    StringBuilder raw = new StringBuilder("#forced\t1\n#load_max\t1\n#start_load\t3.5\n#threads\twildfly\tnofsync\tio worker max-pool-size 1024\n");
    row(raw, "-", "single", "sink", gib, 1.0, "-");
    row(raw, "-", "single", "dd", gib, 2.0, "-");
    row(raw, "-", "single", "nginx", gib, 2.0, "1.5");
    for (String server : List.of("payara", "wildfly")) {
      row(raw, server, "single", "put", gib, 2.5, "-");
      row(raw, server, "single", "mp", gib, 2.5, "-");
      row(raw, server, "single", "upload", gib, 2.6, "-");
      row(raw, server, "single", "stream", gib, 2.4, "-");
      row(raw, server, "concurrent16", "put", 16 * 100L << 20, 4.0, "-");
      row(raw, server, "memory", "put", 100L << 20, 0.5, "-");
      row(raw, server, "memory", "put", 10 * gib, 50.0, "-");
      raw.append("nofsync\t").append(server).append("\tslow256\tput\t104857600\t1\t0.9\t-\t-\t-\t-\t-\t201\t")
          .append("alone=0.3 slow:256x201 slow-done-after=14.0s\t0.5\t0.7\n");
    }
    row(raw, "-", "concurrent16", "nginx", 16 * 100L << 20, 3.0, "-");
    row(raw, "-", "resumable", "tuspeer", gib, 4.0, "-");
    row(raw, "payara", "resumable", "tus", gib, 3.0, "-");
    row(raw, "wildfly", "resumable", "tus", gib, 3.4, "-");
    Path tsv = dir.resolve("raw.tsv");
    Files.writeString(tsv, raw);

    Process report = new ProcessBuilder("python3", ROOT.resolve("bench/report.py").toString(), tsv.toString())
        .redirectErrorStream(true).start();
    String out = new String(report.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(report.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, report.exitValue(), out);

    assertTrue(out.contains("**Taken under load** (started with `-f` at a 1-minute load above the gate"), out);
    assertTrue(out.contains("| Depot PUT /files/{path} | WildFly | 1 | 2.50 | 429 | 1.25 | 1.00 | 2.50 | 2.50 |"), out);
    assertTrue(out.contains("| seed POST /stream (raw body) | Payara Micro |"), out);
    assertTrue(out.contains("| Depot PUT ÷ nginx PUT | 1.25 (missed) | 1.25 (missed) | ≤ 0.90 |"), out);
    assertTrue(out.contains("| multipart POST ÷ PUT | 1.00 (met) | 1.00 (met) | ≤ 1.15 |"), out);
    assertTrue(out.contains("| seed /upload ÷ multipart POST | 1.04 (met) | 1.04 (met) | ≤ 1.15 |"), out);
    assertTrue(out.contains("| multipart POST ÷ PUT, server CPU |"), out);
    assertTrue(out.contains("| Depot PUT /files/{path} | 0.75 (missed) | 0.75 (missed) | ≥ 1.00 |"), out);
    assertTrue(out.contains("| 0.3 | 0.9 | 3.00 (missed) | 201 |"), out);
    assertTrue(out.contains("WildFly: RSS growth for 10 GiB − for 100 MiB = 0 MiB (target ≤ 64: met)"), out);
    assertTrue(out.contains("| 1.5→1.5 ‡ |"), "loads above the gate are marked: " + out);
    assertTrue(out.contains("- WildFly, phase nofsync: io worker max-pool-size 1024"), out);
    // issue 14: the resumable row against @tus/server, target 0.8 x its time
    assertTrue(out.contains("| Depot tus /uploads (tus-js-client) | Payara Micro | 1 | 3.00 | 358 | 0.75 |"), out);
    assertTrue(out.contains("| Depot tus ÷ @tus/server | 0.75 (met) | 0.85 (missed) | ≤ 0.80 |"), out);
  }

  /** One raw.tsv line: CPU s = wall, write amplification 1, loads 1.5 before and after. */
  private static void row(StringBuilder raw, String server, String kind, String target, long size, double wall, String extra) {
    raw.append(String.join("\t", "nofsync", server, kind, target, Long.toString(size), "1", Double.toString(wall),
            Long.toString(size), Double.toString(wall), "0", server.equals("-") ? "-" : "0", "1", "201", extra, "1.5", "1.5"))
        .append("\n");
  }
}
