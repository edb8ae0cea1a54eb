package dev.depot.storage.control;

import dev.depot.files.control.Uploads;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depot.config.FixedSettings;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecoveryTest {

  @TempDir Path root;
  FixedSettings settings;
  InMemoryStoredFiles rows;
  Uploads uploads;
  Recovery cut;

  @BeforeEach
  void init() {
    settings = new FixedSettings(root);
    rows = new InMemoryStoredFiles();
    PathLocks locks = new PathLocks();
    uploads = dev.depot.files.control.UploadsFixture.wire(settings, rows, locks);
    cut = new Recovery();
    cut.settings = settings;
    cut.storedFiles = rows;
    cut.locks = locks;
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
  void sweepsStaleTempFilesAndKeepsFreshOnes() throws IOException {
    Path stale = Files.writeString(settings.layout().temp().resolve("upload-1.part"), "half");
    Files.setLastModifiedTime(stale, FileTime.from(Instant.now().minus(Duration.ofHours(2))));
    Path fresh = Files.writeString(settings.layout().temp().resolve("upload-2.part"), "in flight");

    Recovery.Report report = cut.run();

    assertEquals(List.of("upload-1.part"), report.swept());
    assertFalse(Files.exists(stale));
    assertTrue(Files.exists(fresh));
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
    assertEquals(sha256("new content, row never updated"), rows.findByPath("replaced.txt").orElseThrow().getSha256());
    assertTrue(rows.findByPath("gone.txt").isEmpty());
    assertTrue(rows.findByPath("link").isEmpty(), "links are never adopted");
    assertTrue(cut.run().consistent(), "a second run finds nothing");
  }

  @Test
  void reportModeChangesNothing() throws IOException {
    settings.reconcile = "report";
    Files.writeString(root.resolve("orphan.txt"), "x");

    Recovery.Report report = cut.run();

    assertEquals(List.of("orphan.txt"), report.adopted());
    assertTrue(rows.rows.isEmpty());
  }

  private void store(String key, String content) {
    uploads.storeBody(new Uploads.Upload(key, new ByteArrayInputStream(content.getBytes(StandardCharsets.UTF_8)), null, null, -1));
  }

  private static String sha256(String s) throws IOException {
    try {
      return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IOException(e);
    }
  }
}
