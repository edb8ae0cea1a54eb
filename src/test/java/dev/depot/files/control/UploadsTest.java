package dev.depot.files.control;

import dev.depot.storage.control.WritePrecondition;
import dev.depot.storage.control.InMemoryStoredFiles;
import dev.depot.storage.control.PathLocks;

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
  InMemoryStoredFiles rows;
  Uploads cut;

  @BeforeEach
  void init() {
    settings = new FixedSettings(root);
    rows = new InMemoryStoredFiles();
    cut = UploadsFixture.wire(settings, rows, new PathLocks());
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
      return files.count();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}
