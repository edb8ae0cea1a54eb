package dev.depot.storage.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depot.config.FixedSettings;
import dev.depot.files.control.Uploads;
import dev.depot.files.control.UploadsFixture;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecoveryTest {

  @TempDir Path root;
  FixedSettings settings;
  StorageFixture storage;
  InMemoryStoredFiles rows;
  Uploads uploads;
  Recovery cut;

  @BeforeEach
  void init() {
    settings = new FixedSettings(root);
    storage = new StorageFixture(settings);
    rows = storage.rows;
    uploads = UploadsFixture.wire(storage);
    cut = storage.recovery();
  }

  @Test
  void aConsistentStoreIsLeftAlone() {
    store("a/one.txt", "1");
    store("two.txt", "22");

    Recovery.Report report = cut.run();

    assertTrue(report.consistent(), report.toString());
    assertEquals(2, rows.rows.size());
  }

  @Test
  void sweepsAnEarlierProcesssLeftoversButNeverThisOnesNorForeignFiles() throws IOException {
    Path temp = storage.stores.currentAttachment().temp();
    settings.tempMaxAge = Duration.ZERO; // age alone would let everything go
    String earlier = "upload-0123456789ab-" + UUID.randomUUID() + ".part";
    Files.writeString(temp.resolve(earlier), "half of a dead upload");
    Files.writeString(temp.resolve("upload-1234.part"), "a Depot before incarnations");
    String ours = Staging.name(Staging.UPLOAD);
    Files.writeString(temp.resolve(ours), "in flight in this very process");
    Files.writeString(temp.resolve("notes.txt"), "not Depot's");

    Recovery.Report report = cut.run();

    assertEquals(List.of(earlier, "upload-1234.part").stream().sorted().toList(), report.swept().stream().sorted().toList());
    assertTrue(Files.exists(temp.resolve(ours)));
    assertTrue(Files.exists(temp.resolve("notes.txt")));
  }

  @Test
  void aLiveReplacesBackupSurvivesTheSweepHoweverOldItsFileIs() throws IOException {
    FileSystemBlobStore store = storage.stores.current();
    store.publish(store.stage(stream("the old version"), 100), "r.txt").confirm();
    Files.setLastModifiedTime(root.resolve("r.txt"), FileTime.from(Instant.now().minus(Duration.ofDays(400))));
    settings.tempMaxAge = Duration.ZERO;
    // A replace is published; its row is not committed yet, so its backup is all that holds the old bytes.
    BlobStore.Publication replace = store.publish(store.stage(stream("the new version"), 100), "r.txt");

    cut.run();
    replace.rollback(); // the commit failed: the old version must come back

    assertEquals("the old version", Files.readString(root.resolve("r.txt")));
  }

  @Test
  void adoptsFilesWithoutRowsDropsRowsWithoutFilesAndRefreshesStaleRows() throws IOException {
    store("kept.txt", "kept");
    store("gone.txt", "gone");
    store("replaced.txt", "old");
    Files.delete(root.resolve("gone.txt"));
    Files.createDirectories(root.resolve("dir"));
    Files.writeString(root.resolve("dir/orphan.txt"), "published, never recorded");
    Files.writeString(root.resolve("replaced.txt"), "new content, row never updated");
    Files.createSymbolicLink(root.resolve("link"), root.resolve("kept.txt"));

    Recovery.Report report = cut.run();

    assertEquals(List.of("dir/orphan.txt"), report.adopted());
    assertEquals(List.of("replaced.txt"), report.refreshed());
    assertEquals(List.of("gone.txt"), report.droppedRows());
    assertEquals(sha256("published, never recorded"), rows.findByPath("dir/orphan.txt").orElseThrow().getSha256());
    assertEquals(storage.stores.currentAttachment().id(), rows.findByPath("dir/orphan.txt").orElseThrow().getStoreId());
    assertEquals(sha256("new content, row never updated"), rows.findByPath("replaced.txt").orElseThrow().getSha256());
    assertTrue(rows.findByPath("gone.txt").isEmpty());
    assertTrue(rows.findByPath("link").isEmpty(), "links are never adopted");
    assertTrue(cut.run().consistent(), "a second run finds nothing");
  }

  @Test
  void anEqualSizeFileWithOtherBytesGetsItsRowRefreshed() throws IOException {
    store("same-size.txt", "version A");
    Files.writeString(root.resolve("same-size.txt"), "version B"); // e.g. a rollback after a commit that did happen

    Recovery.Report report = cut.run();

    assertEquals(List.of("same-size.txt"), report.refreshed());
    assertEquals(sha256("version B"), rows.findByPath("same-size.txt").orElseThrow().getSha256());
  }

  @Test
  void aTouchedFileWithTheSameBytesOnlyGetsItsFingerprintBack() throws IOException {
    store("touched.txt", "same bytes");
    Files.setLastModifiedTime(root.resolve("touched.txt"), FileTime.from(Instant.now().plusSeconds(5)));

    Recovery.Report report = cut.run();

    assertTrue(report.consistent(), report.toString());
    assertEquals(FileSystemBlobStore.mtimeNs(Files.readAttributes(root.resolve("touched.txt"), java.nio.file.attribute.BasicFileAttributes.class)),
        rows.findByPath("touched.txt").orElseThrow().getFileMtimeNs());
  }

  @Test
  void refusesToDropMoreRowsThanTheAllowedShare() throws IOException {
    for (int i = 0; i < 30; i++) {
      store("many/" + i + ".txt", "file " + i);
    }
    for (int i = 0; i < 20; i++) {
      Files.delete(root.resolve("many/" + i + ".txt"));
    }

    Recovery.Report report = cut.run();

    assertTrue(report.stopped().isPresent(), report.toString());
    assertTrue(report.stopped().get().startsWith("20 of the store's 30 rows have no file"), report.stopped().get());
    assertEquals(List.of(), report.droppedRows());
    assertEquals(30, rows.rows.size(), "nothing was dropped");

    settings.reconcileMaxDropPercent = 100; // an operator who knows the files are really gone
    assertEquals(20, cut.run().droppedRows().size());
    assertEquals(10, rows.rows.size());
  }

  @Test
  void aFewMissingFilesAreDroppedWhateverTheirShare() throws IOException {
    store("one.txt", "1");
    store("two.txt", "2");
    Files.delete(root.resolve("one.txt"));

    Recovery.Report report = cut.run();

    assertTrue(report.stopped().isEmpty(), report.toString());
    assertEquals(List.of("one.txt"), report.droppedRows());
  }

  @Test
  void aResultsDirectoryThatIsALinkIsWalkedAtItsRealPath(@TempDir Path elsewhere) throws IOException {
    Path real = Files.createDirectories(elsewhere.resolve("real"));
    Path link = Files.createSymbolicLink(elsewhere.resolve("results"), real);
    settings.results = link;
    settings.temp = link.resolve(".depot-tmp");
    StorageFixture linked = new StorageFixture(settings);
    Uploads viaLink = UploadsFixture.wire(linked);
    viaLink.storeBody(new Uploads.Upload("a.txt", stream("stored"), null, null, -1));
    Files.writeString(real.resolve("orphan.txt"), "renamed into place, never recorded");

    Recovery.Report report = linked.recovery().run();

    assertEquals(List.of("orphan.txt"), report.adopted());
    assertTrue(report.droppedRows().isEmpty(), report.toString());
    assertTrue(linked.rows.findByPath("a.txt").isPresent());
  }

  @Test
  void anEarlierTempDirectoryInsideTheStoreIsNotAdopted() throws IOException {
    store("real.txt", "a stored file");
    Path old = Files.createDirectories(root.resolve("old-staging"));
    StoreMarker.write(old, StoreMarker.TEMP, storage.stores.currentAttachment().id());
    Files.writeString(old.resolve("upload-1.part"), "half an upload from before depot.temp-dir changed");

    Recovery.Report report = cut.run();

    assertTrue(report.adopted().isEmpty(), report.toString());
    assertTrue(rows.findByPath("old-staging/upload-1.part").isEmpty());
    assertEquals(List.of("old-staging/"), report.skipped());
  }

  @Test
  void reportModeChangesNothing() throws IOException {
    settings.reconcile = "report";
    Files.writeString(root.resolve("orphan.txt"), "x");

    Recovery.Report report = cut.run();

    assertEquals(List.of("orphan.txt"), report.adopted());
    assertTrue(rows.rows.isEmpty());
  }

  @Test
  void aNonNfcNameIsNotAdoptedUnderAnotherSpelling() throws IOException {
    Files.writeString(root.resolve("cafe\u0301.txt"), "decomposed name, put there by hand");

    Recovery.Report report = cut.run();

    assertTrue(report.adopted().isEmpty(), report.toString());
    assertEquals(List.of("cafe\u0301.txt"), report.skipped());
  }

  private void store(String key, String content) {
    uploads.storeBody(new Uploads.Upload(key, stream(content), null, null, -1));
  }

  private static ByteArrayInputStream stream(String content) {
    return new ByteArrayInputStream(content.getBytes(StandardCharsets.UTF_8));
  }

  private static String sha256(String s) throws IOException {
    try {
      return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IOException(e);
    }
  }
}
