package dev.depot.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Settings read from a map standing in for the server's configuration. */
class DepotSettingsTest {

  @TempDir Path dir;

  private final Map<String, String> config = new HashMap<>();
  private final DepotSettings cut = new DepotSettings(key -> Optional.ofNullable(config.get(key)));

  @Test
  void defaultsHoldWhenNothingIsSetAndThereIsNoProblem() {
    config.put(DepotSettings.RESULTS_DIR, dir.toString());

    assertEquals(16L << 30, cut.maxFileSize());
    assertEquals(1L << 30, cut.minFreeSpace());
    assertEquals(dir.resolve(DepotSettings.DEFAULT_TEMP_DIR_NAME), cut.tempDir());
    assertEquals(Map.of(), cut.problems());
  }

  @Test
  void invalidSizeKeepsTheLastGoodValueAndIsAProblemUntilFixed() {
    config.put(DepotSettings.RESULTS_DIR, dir.toString());
    config.put(DepotSettings.MAX_FILE_SIZE, "1KiB");
    assertEquals(1024, cut.maxFileSize());

    config.put(DepotSettings.MAX_FILE_SIZE, "lots");

    assertEquals(1024, cut.maxFileSize());
    String problem = cut.problems().get(DepotSettings.MAX_FILE_SIZE);
    assertTrue(problem.contains("not a size") && problem.contains("last good value"), problem);

    config.put(DepotSettings.MAX_FILE_SIZE, "2KiB");
    assertEquals(Map.of(), cut.problems());
    assertEquals(2048, cut.maxFileSize());
  }

  @Test
  void relativeDirectoryIsAProblemAndTheDefaultStays() {
    config.put(DepotSettings.TEMP_DIR, "relative/tmp");
    config.put(DepotSettings.RESULTS_DIR, dir.toString());

    assertEquals(dir.resolve(DepotSettings.DEFAULT_TEMP_DIR_NAME), cut.tempDir());
    assertTrue(cut.problems().get(DepotSettings.TEMP_DIR).contains("absolute"), cut.problems().toString());
  }

  @Test
  void resultsDirIsConfiguredOnlyWhenSet() {
    assertEquals(false, cut.resultsDirConfigured());
    config.put(DepotSettings.RESULTS_DIR, dir.toString());
    assertEquals(true, cut.resultsDirConfigured());
  }

  @Test
  void newSettingsHaveTheirDefaultsAndRefuseGarbage() {
    config.put(DepotSettings.RESULTS_DIR, dir.toString());
    assertEquals(32, cut.maxPathDepth());
    assertEquals(1024, cut.minTransferRate());
    assertEquals(java.time.Duration.ofSeconds(60), cut.minTransferRateWindow());
    assertEquals(10, cut.reconcileMaxDropPercent());

    config.put(DepotSettings.RECONCILE_MAX_DROP_PERCENT, "25%");
    config.put(DepotSettings.MIN_TRANSFER_RATE, "0");
    assertEquals(25, cut.reconcileMaxDropPercent());
    assertEquals(0, cut.minTransferRate());

    config.put(DepotSettings.RECONCILE_MAX_DROP_PERCENT, "120");
    config.put(DepotSettings.MIN_TRANSFER_RATE_WINDOW, "PT0S");
    config.put(DepotSettings.MAX_PATH_DEPTH, "0");
    assertEquals(25, cut.reconcileMaxDropPercent());
    assertTrue(cut.problems().keySet().containsAll(java.util.Set.of(
        DepotSettings.RECONCILE_MAX_DROP_PERCENT, DepotSettings.MIN_TRANSFER_RATE_WINDOW, DepotSettings.MAX_PATH_DEPTH)), cut.problems().toString());
  }

  @Test
  void invalidGrantsKeepTheLastGoodOnesAndAreAProblem() {
    config.put(DepotSettings.RESULTS_DIR, dir.toString());
    dev.depot.access.control.Caller alice =
        dev.depot.access.control.Caller.user("alice", java.util.Set.of("team-a"), dev.depot.access.control.Caller.Via.BASIC);
    config.put(DepotSettings.GRANTS, "group:team-a rw team-a/");
    assertTrue(cut.grants().allows(alice, dev.depot.access.control.Permission.WRITE, "team-a/x"));

    config.put(DepotSettings.GRANTS, "group:team-a rwx team-a/");

    assertTrue(cut.grants().allows(alice, dev.depot.access.control.Permission.WRITE, "team-a/x"), "the last good grants stay");
    String problem = cut.problems().get(DepotSettings.GRANTS);
    assertTrue(problem.contains("grant 1") && problem.contains("last good value"), problem);
  }

  @Test
  void linkKeysAreSecretsThatNeverReachTheReport() {
    config.put(DepotSettings.RESULTS_DIR, dir.toString());
    config.put(DepotSettings.LINK_KEYS, "too-short-secret");

    cut.linkSigner();

    String problem = cut.problems().get(DepotSettings.LINK_KEYS);
    assertTrue(problem != null && !problem.contains("too-short-secret"), String.valueOf(problem));
  }

  @Test
  void withoutAKeyBearerTokensAreOffAndThatIsNoProblem() {
    config.put(DepotSettings.RESULTS_DIR, dir.toString());
    assertTrue(cut.jwtVerifier().isEmpty());
    config.put(DepotSettings.JWT_PUBLIC_KEY, "not a key");
    assertTrue(cut.jwtVerifier().isEmpty());
    assertTrue(cut.problems().containsKey(DepotSettings.JWT_PUBLIC_KEY), cut.problems().toString());
    config.remove(DepotSettings.JWT_PUBLIC_KEY);
    assertTrue(cut.jwtVerifier().isEmpty());
    assertEquals(Map.of(), cut.problems());
  }
}
