package dev.depot.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.UncheckedIOException;
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
  void unusableNewResultsDirKeepsTheLastGoodLayout() throws Exception {
    Path good = Files.createDirectory(dir.resolve("good"));
    config.put(DepotSettings.RESULTS_DIR, good.toString());
    assertEquals(good, cut.layout().results());

    Path aFile = Files.writeString(dir.resolve("a-file"), "not a directory");
    config.put(DepotSettings.RESULTS_DIR, aFile.resolve("below").toString());

    assertEquals(good, cut.layout().results());
    assertTrue(cut.problems().get(DepotSettings.RESULTS_DIR).contains("cannot be created"), cut.problems().toString());

    config.put(DepotSettings.RESULTS_DIR, good.toString());
    assertEquals(Map.of(), cut.problems());
  }

  @Test
  void unusableResultsDirWithNothingToKeepFailsLayout() throws Exception {
    Path aFile = Files.writeString(dir.resolve("a-file"), "not a directory");
    config.put(DepotSettings.RESULTS_DIR, aFile.resolve("below").toString());

    assertThrows(UncheckedIOException.class, cut::layout);
    assertTrue(cut.problems().containsKey(DepotSettings.RESULTS_DIR));
  }
}
