package dev.depot.storage.control;

import static dev.depot.problem.Problems.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depot.config.DepotSettings;
import dev.depot.config.FixedSettings;
import dev.depot.files.control.Downloads;
import dev.depot.files.control.Removals;
import dev.depot.files.control.Uploads;
import dev.depot.files.control.UploadsFixture;
import dev.depot.problem.Problem;
import dev.depot.storage.entity.StoredFile;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which results directories Depot takes (issue 11, items 1, 2 and 7): a start against an empty or wrong
 * directory must cost no metadata, and a changed directory must leave earlier files where they are.
 */
class StoresTest {

  @TempDir Path dir;
  FixedSettings settings;
  StorageFixture storage;

  @BeforeEach
  void init() {
    settings = new FixedSettings(dir.resolve("results"));
    storage = new StorageFixture(settings);
  }

  @Test
  void aFirstStartCreatesTheDirectoryMarksItAndRecordsTheStore() throws IOException {
    Stores.Attachment store = storage.stores.currentAttachment();

    assertTrue(Files.isDirectory(dir.resolve("results")));
    assertEquals(store.id(), StoreMarker.read(dir.resolve("results"), StoreMarker.STORE).orElseThrow());
    assertEquals(store.id(), StoreMarker.read(store.temp(), StoreMarker.TEMP).orElseThrow());
    assertEquals(List.of(store.id()), storage.records.all().stream().map(s -> s.getId()).toList());
    assertEquals(List.of(store), storage.attached, "recovery is told");
  }

  @Test
  void aRestartFindsItsStoreAgain() {
    String id = storage.stores.currentAttachment().id();

    Stores restarted = storage.restart();

    assertEquals(id, restarted.currentAttachment().id());
    assertEquals(1, storage.records.all().size());
  }

  @Test
  void anEmptyMountPointWhereAStoreWithFilesWasIsRefusedAndNothingIsDropped() throws IOException {
    Uploads uploads = UploadsFixture.wire(storage);
    store(uploads, "a.txt", "kept in the database");
    // The volume is not mounted: the directory is there, empty.
    deleteTree(dir.resolve("results"));
    Files.createDirectories(dir.resolve("results"));
    storage.attached.clear();

    Stores restarted = storage.restart();

    assertProblem(Problem.STORE_UNAVAILABLE, restarted::currentAttachment);
    assertTrue(restarted.problems().get(DepotSettings.RESULTS_DIR).contains("is the volume mounted"), restarted.problems().toString());
    assertTrue(storage.attached.isEmpty(), "no recovery ran");
    assertTrue(storage.rows.findByPath("a.txt").isPresent(), "no row was dropped");
    try (Stream<Path> left = Files.list(dir.resolve("results"))) {
      assertEquals(0, left.count(), "nothing was written into the mount point");
    }
  }

  @Test
  void aMissingDirectoryWhereAStoreWithFilesWasIsNotCreated() throws IOException {
    store(UploadsFixture.wire(storage), "a.txt", "x");
    deleteTree(dir.resolve("results"));

    Stores restarted = storage.restart();

    assertProblem(Problem.STORE_UNAVAILABLE, restarted::currentAttachment);
    assertFalse(Files.exists(dir.resolve("results")));
  }

  @Test
  void aMarkerTheDatabaseDoesNotKnowIsRefused() throws IOException {
    Path foreign = Files.createDirectories(dir.resolve("foreign"));
    StoreMarker.write(foreign, StoreMarker.STORE, "00000000-0000-0000-0000-000000000001");
    Files.writeString(foreign.resolve("someone-elses.txt"), "x");
    settings.results = foreign;
    settings.temp = foreign.resolve(".depot-tmp");

    assertProblem(Problem.STORE_UNAVAILABLE, storage.stores::currentAttachment);
    assertTrue(storage.stores.problems().get(DepotSettings.RESULTS_DIR).contains("which this database does not know"));
    assertTrue(storage.records.all().isEmpty());
    assertTrue(storage.attached.isEmpty(), "nothing reconciled");
  }

  @Test
  void aDirectoryThatFellBackToTheDefaultIsRefusedWhenTheDatabaseKnowsAnother() {
    storage.stores.currentAttachment();
    settings.results = dir.resolve("default-results");
    settings.temp = settings.results.resolve(".depot-tmp");
    settings.resultsDirConfigured = false; // DEPOT_RESULTS_DIR went missing

    Stores restarted = storage.restart();

    assertProblem(Problem.STORE_UNAVAILABLE, restarted::currentAttachment);
    assertTrue(restarted.problems().get(DepotSettings.RESULTS_DIR).contains("is not set"), restarted.problems().toString());
    assertFalse(Files.exists(dir.resolve("default-results")));
  }

  @Test
  void aChangedResultsDirTakesNewFilesAndEarlierOnesStayReadableAndDeletable() throws IOException {
    Uploads uploads = UploadsFixture.wire(storage);
    Downloads downloads = UploadsFixture.downloads(storage);
    Removals removals = UploadsFixture.removals(storage);
    store(uploads, "old/one.txt", "written before the change");
    store(uploads, "old/two.txt", "also before");
    String first = storage.stores.currentAttachment().id();

    settings.results = dir.resolve("second"); // an admin changes depot.results-dir while Depot runs
    settings.temp = settings.results.resolve(".depot-tmp");
    store(uploads, "new.txt", "written after the change");

    assertTrue(Files.isRegularFile(dir.resolve("second/new.txt")));
    assertEquals("written before the change", read(downloads, "old/one.txt"));
    assertEquals("written after the change", read(downloads, "new.txt"));
    removals.remove("old/two.txt", WritePrecondition.NONE);
    assertFalse(Files.exists(dir.resolve("results/old/two.txt")));
    // A replace moves the path to the new store and removes the earlier copy.
    store(uploads, "old/one.txt", "replaced after the change");
    assertEquals("replaced after the change", read(downloads, "old/one.txt"));
    assertTrue(Files.isRegularFile(dir.resolve("second/old/one.txt")));
    assertFalse(Files.exists(dir.resolve("results/old/one.txt")));
    assertEquals(2, storage.records.all().size());
    assertTrue(storage.rows.rows.values().stream().noneMatch(r -> first.equals(r.getStoreId())));
  }

  @Test
  void anUnusableNewResultsDirKeepsTheLastGoodStoreAndSaysSo() throws IOException {
    Path good = dir.resolve("results");
    Path attached = storage.stores.currentAttachment().root();
    assertEquals(good.toRealPath(), attached);
    Path aFile = Files.writeString(dir.resolve("a-file"), "not a directory");
    settings.results = aFile.resolve("below");
    settings.temp = settings.results.resolve(".depot-tmp");

    assertEquals(good.toRealPath(), storage.stores.currentAttachment().root());
    assertTrue(storage.stores.problems().get(DepotSettings.RESULTS_DIR).contains("previous store"), storage.stores.problems().toString());

    settings.results = good;
    settings.temp = good.resolve(".depot-tmp");
    assertEquals(Map.of(), storage.stores.problems());
  }

  @Test
  void anUnusableResultsDirWithNothingToKeepTakesNoWrites() throws IOException {
    Path aFile = Files.writeString(dir.resolve("a-file"), "not a directory");
    settings.results = aFile.resolve("below");
    settings.temp = settings.results.resolve(".depot-tmp");

    assertProblem(Problem.STORE_UNAVAILABLE, storage.stores::currentAttachment);
    assertTrue(storage.stores.problems().containsKey(DepotSettings.RESULTS_DIR));
  }

  @Test
  void aMarkerThatVanishesUnderARunningDepotStopsWrites() throws IOException {
    Uploads uploads = UploadsFixture.wire(storage);
    store(uploads, "a.txt", "x");

    Files.delete(dir.resolve("results").resolve(StoreMarker.STORE)); // the volume went away

    assertProblem(Problem.STORE_UNAVAILABLE, () -> store(uploads, "b.txt", "y"));
    assertFalse(Files.exists(dir.resolve("results/b.txt")));
  }

  @Test
  void rowsOfAnOlderDepotAreClaimedByTheDirectoryThatHoldsTheirFiles() throws IOException {
    Path results = Files.createDirectories(dir.resolve("results"));
    Files.writeString(results.resolve("legacy.txt"), "stored by an older Depot");
    StoredFile row = new StoredFile("legacy.txt", Instant.now());
    row.describe(24, "0".repeat(64), "text/plain", null, Instant.now());
    storage.rows.rows.put("legacy.txt", row);

    String id = storage.stores.currentAttachment().id();

    assertEquals(id, storage.rows.findByPath("legacy.txt").orElseThrow().getStoreId());
  }

  @Test
  void rowsOfAnOlderDepotAndAnEmptyDirectoryAreRefused() throws IOException {
    Files.createDirectories(dir.resolve("results"));
    StoredFile row = new StoredFile("legacy.txt", Instant.now());
    row.describe(24, "0".repeat(64), "text/plain", null, Instant.now());
    storage.rows.rows.put("legacy.txt", row);

    assertProblem(Problem.STORE_UNAVAILABLE, storage.stores::currentAttachment);
    assertTrue(storage.records.all().isEmpty());
    assertEquals(null, storage.rows.findByPath("legacy.txt").orElseThrow().getStoreId());
  }

  @Test
  void aStoreRecordedButNeverMarkedIsMarkedWhenItHoldsNoFile() throws IOException {
    // A crash between recording a new store and writing its marker.
    storage.records.register("00000000-0000-0000-0000-0000000000aa", dir.resolve("results").toString());

    assertEquals("00000000-0000-0000-0000-0000000000aa", storage.stores.currentAttachment().id());
  }

  @Test
  void aStoreThatMovedIsFoundByItsMarker() throws IOException {
    store(UploadsFixture.wire(storage), "a.txt", "x");
    String id = storage.stores.currentAttachment().id();
    Files.move(dir.resolve("results"), dir.resolve("moved"));
    settings.results = dir.resolve("moved");
    settings.temp = settings.results.resolve(".depot-tmp");

    Stores restarted = storage.restart();

    assertEquals(id, restarted.currentAttachment().id());
    assertEquals(dir.resolve("moved").toString(), storage.records.all().get(0).getLocation());
  }

  @Test
  void aTempDirectoryThatIsNotDepotsIsRefusedNotSwept() throws IOException {
    Path userDir = Files.createDirectories(dir.resolve("someones-files"));
    Files.writeString(userDir.resolve("thesis.tex"), "years of work");
    settings.temp = userDir;

    assertProblem(Problem.STORE_UNAVAILABLE, storage.stores::currentAttachment);
    assertTrue(storage.stores.problems().get(DepotSettings.RESULTS_DIR).contains("not empty and not Depot's"));
    assertEquals("years of work", Files.readString(userDir.resolve("thesis.tex")));
  }

  @Test
  void anEarlierDepotsTempDirectoryWithOnlyItsLeftoversIsTakenOver() throws IOException {
    Path temp = Files.createDirectories(dir.resolve("results/.depot-tmp"));
    Files.writeString(temp.resolve("upload-42.part"), "a leftover of an older Depot");

    Stores.Attachment store = storage.stores.currentAttachment();

    assertEquals(store.id(), StoreMarker.read(store.temp(), StoreMarker.TEMP).orElseThrow());
  }

  @Test
  void reservedNamesAtTheTopOfAStoreAreNotKeys() {
    FileSystemBlobStore store = storage.stores.current();

    assertProblem(Problem.INVALID_PATH, () -> store.checkWritable(".depot-store"));
    assertProblem(Problem.INVALID_PATH, () -> store.checkWritable(".depot-tmp/x"));
    assertProblem(Problem.INVALID_PATH, () -> store.checkWritable(".depot-anything"));
    store.checkWritable("dir/.depot-store"); // only the top is reserved
  }

  private static void store(Uploads uploads, String key, String content) {
    uploads.storeBody(new Uploads.Upload(key, new ByteArrayInputStream(content.getBytes(StandardCharsets.UTF_8)), null, null, -1));
  }

  private static String read(Downloads downloads, String key) throws IOException {
    try (Downloads.Download d = downloads.open(key)) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      d.copyTo(out, 0, d.content().size());
      return out.toString(StandardCharsets.UTF_8);
    }
  }

  private static void deleteTree(Path root) throws IOException {
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
