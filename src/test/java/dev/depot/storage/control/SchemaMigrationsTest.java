package dev.depot.storage.control;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;

class SchemaMigrationsTest {

  private static final Path SCRIPTS = Path.of(System.getProperty("basedir", "."), "src/main/resources/db");
  private static final Pattern VERSIONED = Pattern.compile("V([0-9._]+)__.*\\.sql");

  @Test
  void h2RunsTheScriptsForEveryDatabaseAndNoVendorOnes() throws IOException {
    JdbcDataSource h2 = new JdbcDataSource();
    h2.setURL("jdbc:h2:mem:migrations-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1");

    Flyway flyway = SchemaMigrations.configuration(h2).load();
    flyway.migrate();

    Set<String> applied = versions(Stream.of(flyway.info().applied()));
    Set<String> known = versions(Stream.of(flyway.info().all()));
    assertEquals(scriptVersions(SCRIPTS.resolve("depot")), applied);
    assertEquals(applied, known, "H2 sees no other script (a vendor folder below db/depot would show here)");
  }

  @Test
  void postgresqlAlsoRunsItsOwnFolder() {
    assertArrayEquals(new String[] {"classpath:db/depot", "classpath:db/vendor/postgresql"}, SchemaMigrations.locations("PostgreSQL"));
    assertArrayEquals(new String[] {"classpath:db/depot"}, SchemaMigrations.locations("H2"));
  }

  @Test
  void everyVendorFolderIsOneThatRuns() throws IOException {
    Set<String> folders;
    try (Stream<Path> vendors = Files.list(SCRIPTS.resolve("vendor"))) {
      folders = vendors.map(p -> "classpath:db/vendor/" + p.getFileName()).collect(Collectors.toCollection(TreeSet::new));
    }
    assertEquals(new TreeSet<>(SchemaMigrations.VENDOR_LOCATIONS.values()), folders);
  }

  /** One sequence of versions across all folders, so that every database applies them in one order. */
  @Test
  void noVersionIsUsedTwiceAcrossFolders() throws IOException {
    Map<String, List<Path>> byVersion = new HashMap<>();
    try (Stream<Path> all = Files.walk(SCRIPTS)) {
      all.filter(Files::isRegularFile).forEach(script -> {
        Matcher m = VERSIONED.matcher(script.getFileName().toString());
        if (m.matches()) {
          byVersion.computeIfAbsent(normalised(m.group(1)), v -> new ArrayList<>()).add(SCRIPTS.relativize(script));
        }
      });
    }
    assertTrue(byVersion.containsKey("3"), "PostgreSQL's V3 is found: " + byVersion);
    byVersion.forEach((version, scripts) -> assertEquals(1, scripts.size(), "version " + version + " in " + scripts));
  }

  private static Set<String> versions(Stream<MigrationInfo> migrations) {
    return migrations.filter(m -> m.getVersion() != null && !"0".equals(m.getVersion().getVersion()))
        .map(m -> m.getVersion().getVersion())
        .collect(Collectors.toCollection(TreeSet::new));
  }

  private static Set<String> scriptVersions(Path folder) throws IOException {
    try (Stream<Path> scripts = Files.list(folder)) {
      return scripts.map(p -> VERSIONED.matcher(p.getFileName().toString()))
          .filter(Matcher::matches)
          .map(m -> normalised(m.group(1)))
          .collect(Collectors.toCollection(TreeSet::new));
    }
  }

  /** Flyway's reading of a version: "_" is ".", and "3.0" and "3" are the same version. */
  private static String normalised(String version) {
    return version.replace('_', '.').replaceAll("(\\.0+)+$", "");
  }
}
