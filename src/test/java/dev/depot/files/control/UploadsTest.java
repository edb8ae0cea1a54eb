package dev.depot.files.control;

import dev.depot.storage.control.WritePrecondition;
import dev.depot.storage.control.InMemoryStoredFiles;
import dev.depot.storage.control.StorageFixture;

import static dev.depot.problem.Problems.assertProblem;
import dev.depot.problem.Problem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depot.config.FixedSettings;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UploadsTest {

  @TempDir Path root;
  FixedSettings settings;
  StorageFixture storage;
  InMemoryStoredFiles rows;
  Uploads cut;

  @BeforeEach
  void init() {
    settings = new FixedSettings(root);
    storage = new StorageFixture(settings);
    rows = storage.rows;
    cut = UploadsFixture.wire(storage);
  }

  @Test
  void storesFileAndRowTogether() {
    Uploads.Stored stored = cut.storeBody(upload("a/b.txt", "hello", 5));

    assertTrue(stored.created());
    assertEquals(5, stored.file().getSize());
    assertEquals("application/octet-stream", stored.file().getContentType());
    assertTrue(rows.findByPath("a/b.txt").isPresent());
    assertEquals("hello", read("a/b.txt"));
  }

  @Test
  void failedCommitRemovesTheNewFileAndLeavesNoRow() {
    rows.failNextCommit = new IllegalStateException("database down");

    assertThrows(IllegalStateException.class, () -> cut.storeBody(upload("new.txt", "data", -1)));

    assertFalse(Files.exists(root.resolve("new.txt")));
    assertTrue(rows.findByPath("new.txt").isEmpty());
    assertEquals(0, tempFiles());
  }

  @Test
  void failedCommitOnReplaceRestoresTheOldVersion() {
    cut.storeBody(upload("f.txt", "old", -1));
    rows.failNextCommit = new IllegalStateException("database down");

    assertThrows(IllegalStateException.class, () -> cut.storeBody(upload("f.txt", "new content", -1)));

    assertEquals("old", read("f.txt"));
    assertEquals(3, rows.findByPath("f.txt").orElseThrow().getSize());
    assertEquals(0, tempFiles());
  }

  @Test
  void bodyShorterThanDeclaredIsIncompleteAndStoresNothing() {
    assertProblem(Problem.UPLOAD_INCOMPLETE, () -> cut.storeBody(upload("short.txt", "abc", 10)));

    assertFalse(Files.exists(root.resolve("short.txt")));
    assertTrue(rows.rows.isEmpty());
    assertEquals(0, tempFiles());
  }

  @Test
  void declaredLengthOverTheLimitIsRefusedBeforeReading() {
    settings.maxFileSize = 4;
    ByteArrayInputStream body = new ByteArrayInputStream("12345".getBytes(StandardCharsets.UTF_8));

    assertProblem(Problem.UPLOAD_TOO_LARGE, () -> cut.storeBody(new Uploads.Upload("big", body, null, null, 5)));

    assertEquals(5, body.available(), "nothing was read");
  }

  @Test
  void undeclaredBodyOverTheLimitIsCutOffAndLeavesNothing() {
    settings.maxFileSize = 4;

    assertProblem(Problem.UPLOAD_TOO_LARGE, () -> cut.storeBody(upload("big", "12345", -1)));

    assertFalse(Files.exists(root.resolve("big")));
    assertEquals(0, tempFiles());
  }

  @Test
  void badContentTypeIsRefusedBeforeReading() {
    ByteArrayInputStream body = new ByteArrayInputStream(new byte[3]);

    assertProblem(Problem.INVALID_CONTENT_TYPE, () -> cut.storeBody(new Uploads.Upload("x", body, "a/" + "b".repeat(300), null, 3)));

    assertEquals(3, body.available());
  }

  @Test
  void declaredUploadThatWouldEatIntoTheReserveIsRefusedBeforeWriting() throws IOException {
    // Margins of hundreds of MiB: other processes may write to the same disk while this runs.
    long usable = Files.getFileStore(root).getUsableSpace();
    settings.minFreeSpace = usable - (256L << 20);
    ByteArrayInputStream body = new ByteArrayInputStream(new byte[5000]);

    assertProblem(Problem.INSUFFICIENT_STORAGE, () -> cut.storeBody(new Uploads.Upload("x", body, null, null, 512L << 20)));

    assertEquals(5000, body.available(), "nothing was read");
    assertEquals(0, cut.admission.reserved());
  }

  @Test
  void reservationsAreReleasedWhateverTheOutcome() {
    cut.storeBody(upload("ok.txt", "fine", 4));
    assertProblem(Problem.UPLOAD_INCOMPLETE, () -> cut.storeBody(upload("short.txt", "abc", 10)));

    assertEquals(0, cut.admission.reserved());
  }

  @Test
  void createOnlyWriteWhoseReadMissedACommittedRowIsRefusedAndKeepsThatVersion() {
    cut.storeBody(upload("race.bin", "first", -1));
    rows.hideUntilInsert("race.bin"); // committed, but this writer's reads miss it; the unique key won't

    Uploads.Upload createOnly = new Uploads.Upload(
        "race.bin", stream("second"), null, null, -1, WritePrecondition.CREATE_ONLY, ClientDigests.NONE);
    assertProblem(Problem.PRECONDITION_FAILED, () -> cut.storeBody(createOnly));

    assertEquals("first", read("race.bin"));
    assertEquals(5, rows.findByPath("race.bin").orElseThrow().getSize());
    assertEquals(0, tempFiles());
  }

  @Test
  void unconditionalWriteWhoseReadMissedACommittedRowReplacesIt() {
    String firstId = cut.storeBody(upload("race.bin", "first", -1)).file().getId();
    rows.hideUntilInsert("race.bin");

    Uploads.Stored stored = cut.storeBody(upload("race.bin", "second!", -1));

    assertFalse(stored.created());
    assertEquals(firstId, stored.file().getId());
    assertEquals("second!", read("race.bin"));
    assertEquals(7, rows.findByPath("race.bin").orElseThrow().getSize());
    assertEquals(0, tempFiles());
  }

  @Test
  void aCommitThatHappenedThoughTheDriverSaidItFailedKeepsTheUpload() {
    cut.storeBody(upload("f.txt", "old", -1));
    rows.failAfterNextCommit = new IllegalStateException("connection reset after the commit");

    Uploads.Stored stored = cut.storeBody(upload("f.txt", "new", -1)); // equal size, other bytes

    assertEquals("new", read("f.txt"));
    assertEquals(stored.file().getSha256(), rows.findByPath("f.txt").orElseThrow().getSha256());
    assertEquals(0, tempFiles());
  }

  @Test
  void aDownloadNeverServesBytesUnderAnotherVersionsEtag() throws IOException {
    cut.storeBody(upload("f.txt", "old", -1));
    // The commit happened, the driver said it failed, and the read-back failed too: the publish is
    // undone (the old bytes are back) while the row names the new bytes.
    rows.failAfterNextCommit = new IllegalStateException("connection reset after the commit");
    rows.failNextReadBack = true;
    assertThrows(IllegalStateException.class, () -> cut.storeBody(upload("f.txt", "new", -1)));
    assertEquals("old", read("f.txt"));

    Downloads downloads = UploadsFixture.downloads(storage);
    try (Downloads.Download download = downloads.open("f.txt")) {
      assertEquals(sha256("old"), download.file().getSha256(), "the ETag describes the bytes sent");
      java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
      download.copyTo(out, 0, download.content().size());
      assertEquals("old", out.toString(StandardCharsets.UTF_8));
    }
    assertEquals(sha256("old"), rows.findByPath("f.txt").orElseThrow().getSha256(), "the row is corrected");
  }

  @Test
  void aRowWithoutFingerprintIsCheckedOnceThenTrusted() throws IOException {
    cut.storeBody(upload("legacy.txt", "from an older Depot", -1));
    rows.findByPath("legacy.txt").orElseThrow().locate(rows.findByPath("legacy.txt").orElseThrow().getStoreId(), null);

    try (Downloads.Download download = UploadsFixture.downloads(storage).open("legacy.txt")) {
      assertEquals(sha256("from an older Depot"), download.file().getSha256());
    }

    assertTrue(rows.findByPath("legacy.txt").orElseThrow().getFileMtimeNs() != null, "the fingerprint is recorded");
  }

  @Test
  void aPathDeeperThanTheLimitIsRefusedBeforeAnyDirectoryIsMade() {
    settings.maxPathDepth = 4;

    assertProblem(Problem.INVALID_PATH, () -> cut.storeBody(upload("a/b/c/d/e", "", 0)));

    assertFalse(Files.exists(root.resolve("a")));
    cut.storeBody(upload("a/b/c/d", "", 0));
  }

  @Test
  void decomposedAndComposedSpellingsAreOneFile() {
    cut.storeBody(upload("cafe\u0301.txt", "first", -1));
    Uploads.Stored second = cut.storeBody(upload("caf\u00e9.txt", "second", -1));

    assertFalse(second.created(), "the same path");
    assertEquals("caf\u00e9.txt", second.file().getPath());
    assertEquals(1, rows.rows.size());
  }

  @Test
  void anUndeclaredUploadThatWouldEatIntoTheReserveIsStoppedBeforeIt() throws IOException {
    long usable = Files.getFileStore(root).getUsableSpace();
    settings.minFreeSpace = usable - (64L << 10); // less than one step of room above the reserve

    assertProblem(Problem.INSUFFICIENT_STORAGE, () -> cut.storeBody(upload("chunked.bin", "tiny", -1)));

    assertFalse(Files.exists(root.resolve("chunked.bin")));
    assertEquals(0, tempFiles());
  }

  @Test
  void aDeclaredLengthIsReservedOnlyUpToWhatTheRequestMayStore() {
    settings.maxFileSize = 10;
    dev.depot.storage.control.SpaceAdmission admission = storage.admission();
    try (dev.depot.storage.control.SpaceAdmission.Ticket ticket = admission.admit(root, 1L << 50, 4096)) {
      assertEquals(4096, ticket.reserved());
      assertEquals(4096, admission.reserved());
    }
    assertEquals(0, admission.reserved());
  }

  private static String sha256(String s) {
    try {
      return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  private static ByteArrayInputStream stream(String content) {
    return new ByteArrayInputStream(content.getBytes(StandardCharsets.UTF_8));
  }

  private static Uploads.Upload upload(String key, String content, long declared) {
    return new Uploads.Upload(key, new ByteArrayInputStream(content.getBytes(StandardCharsets.UTF_8)), null, null, declared);
  }

  private String read(String key) {
    try {
      return Files.readString(root.resolve(key));
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private long tempFiles() {
    try (Stream<Path> files = Files.list(settings.tempDir())) {
      return files.filter(f -> !f.getFileName().toString().startsWith(".depot-")).count();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}
