package dev.depot.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The schema version a freshly migrated database must be at: the highest {@code V<n>__} script in the
 * source tree, read where the tests run (the project), so a new migration needs no test edit.
 */
public final class Migrations {

  private static final Pattern VERSIONED = Pattern.compile("V([0-9]+)__.*\\.sql");

  private Migrations() {}

  /** The latest version for every database ({@code db/depot}), plus PostgreSQL's own scripts when asked. */
  public static String latest(boolean postgresql) {
    int latest = highest(Path.of("src/main/resources/db/depot"));
    if (postgresql) {
      latest = Math.max(latest, highest(Path.of("src/main/resources/db/vendor/postgresql")));
    }
    return String.valueOf(latest);
  }

  private static int highest(Path dir) {
    try (Stream<Path> scripts = Files.list(dir)) {
      return scripts.map(p -> VERSIONED.matcher(p.getFileName().toString()))
          .filter(Matcher::matches)
          .mapToInt(m -> Integer.parseInt(m.group(1)))
          .max()
          .orElseThrow();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
