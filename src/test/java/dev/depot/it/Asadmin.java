package dev.depot.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code asadmin} against the test domain of the full Payara Server suite, as an operator would
 * (src/test/scripts/payara-server.sh created the domain with no admin password).
 */
public final class Asadmin {

  private Asadmin() {}

  /** Runs one subcommand; fails the test with asadmin's own output if it does not succeed. */
  public static String run(String... subcommand) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("payara.server.home"), "bin", "asadmin").toString());
    command.add("--host");
    command.add("127.0.0.1");
    command.add("--port");
    command.add(System.getProperty("depot.server.admin-port"));
    command.addAll(List.of(subcommand));
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      process.getOutputStream().close();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
        throw new AssertionError("asadmin " + String.join(" ", subcommand) + " failed:\n" + output);
      }
      return output;
    } catch (IOException e) {
      throw new AssertionError("cannot run asadmin", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** Sets (creates or replaces) a system property of the server's configuration, like the console does. */
  public static void setSystemProperty(String name, String value) {
    // asadmin separates name=value pairs with ':' and takes '\' as its escape
    run("create-system-properties", "--target", "server-config", name + "=" + value.replace("\\", "\\\\").replace(":", "\\:"));
  }

  public static void deleteSystemProperty(String name) {
    run("delete-system-property", "--target", "server-config", name);
  }

  /** The results directory the suite's domain was started with (DEPOT_RESULTS_DIR). */
  public static Path startResultsDir() {
    return Path.of(System.getProperty("depot.server.dir"), "results");
  }
}
