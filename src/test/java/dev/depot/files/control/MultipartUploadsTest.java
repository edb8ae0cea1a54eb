package dev.depot.files.control;

import dev.depot.storage.control.InMemoryStoredFiles;
import dev.depot.storage.control.StorageFixture;

import static dev.depot.problem.Problems.assertProblem;
import dev.depot.problem.DepotException;
import dev.depot.problem.Problem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.depot.config.FixedSettings;
import dev.depot.it.RandomBytes;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pins the multipart behaviour Depot promises (its own {@link MultipartReader}; the parser itself is
 * compared with fileupload2 in {@code MultipartReaderDifferentialTest}): parts stream in order straight
 * to their destination, caps hold, malformed bodies are refused. Surefire runs with a 96 MiB heap
 * (pom.xml), so a part or field that got buffered would fail these tests.
 */
class MultipartUploadsTest {

  private static final String BOUNDARY = "----depot-test-boundary";
  private static final String CONTENT_TYPE = "multipart/form-data; boundary=" + BOUNDARY;

  @TempDir Path root;
  FixedSettings settings;
  InMemoryStoredFiles rows;
  MultipartUploads cut;

  @BeforeEach
  void init() {
    settings = new FixedSettings(root);
    settings.fsync = false;
    StorageFixture storage = new StorageFixture(settings);
    rows = storage.rows;
    Uploads uploads = UploadsFixture.wire(storage);
    cut = new MultipartUploads();
    cut.uploads = uploads;
    cut.settings = settings;
    cut.admission = uploads.admission;
    cut.access = uploads.access;
    cut.slots = uploads.slots;
  }

  @Test
  void aPartMuchLargerThanTheHeapStreamsStraightToItsDestination() throws IOException {
    long size = 300L << 20;
    InputStream body =
        concat(
            text(field("dir", "big")),
            text(fileHeader("file", "large.bin")),
            new RandomBytes(42, size),
            text("\r\n--" + BOUNDARY + "--\r\n"));

    List<Uploads.Stored> stored = cut.storeAll(new MultipartUploads.Body(body, CONTENT_TYPE, -1));

    assertEquals(1, stored.size());
    assertEquals("big/large.bin", stored.get(0).file().getPath());
    assertEquals(size, Files.size(root.resolve("big/large.bin")));
    assertEquals(RandomBytes.sha256(42, size), stored.get(0).file().getSha256());
    assertEquals(0, tempFiles());
  }

  @Test
  void aHugeFieldIsRefusedWithoutBeingBuffered() {
    InputStream body =
        concat(
            text("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"dir\"\r\n\r\n"),
            new RandomBytes(1, 200L << 20),
            text("\r\n--" + BOUNDARY + "--\r\n"));

    assertProblem(Problem.MULTIPART_LIMIT, () -> cut.storeAll(new MultipartUploads.Body(body, CONTENT_TYPE, -1)));
  }

  @Test
  void anOversizedPartHeaderIsRefused() {
    String header = "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a.bin\"\r\nX-Pad: "
        + "p".repeat(64 << 10) + "\r\n\r\n";
    InputStream body = concat(text(header), text("x\r\n--" + BOUNDARY + "--\r\n"));

    assertProblem(Problem.MULTIPART_LIMIT, () -> cut.storeAll(new MultipartUploads.Body(body, CONTENT_TYPE, -1)));
    assertFalse(Files.exists(root.resolve("a.bin")));
  }

  @Test
  void tooManyPartsAreRefused() {
    settings.maxParts = 10;
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < 11; i++) {
      s.append(field("f" + i, "v"));
    }
    s.append("--").append(BOUNDARY).append("--\r\n");

    assertProblem(Problem.MULTIPART_LIMIT, () -> cut.storeAll(new MultipartUploads.Body(text(s.toString()), CONTENT_TYPE, -1)));
  }

  @Test
  void anOversizedFilePartIsCutOffAndLeavesNothing() {
    settings.maxFileSize = 1000;
    InputStream body = concat(text(fileHeader("f", "big.bin")), new RandomBytes(3, 5000), text("\r\n--" + BOUNDARY + "--\r\n"));

    assertProblem(Problem.UPLOAD_TOO_LARGE, () -> cut.storeAll(new MultipartUploads.Body(body, CONTENT_TYPE, -1)));
    assertFalse(Files.exists(root.resolve("big.bin")));
    assertEquals(0, tempFiles());
  }

  @Test
  void everyTruncationOfAValidBodyIsAClientErrorAndLeavesNoPartialFile() {
    String valid = field("dir", "t") + fileHeader("f", "one.txt") + "first file\r\n" + fileHeader("f", "two.txt")
        + "second file\r\n--" + BOUNDARY + "--\r\n";
    byte[] bytes = valid.getBytes(StandardCharsets.UTF_8);
    int secondStart = valid.indexOf("second file");
    for (int cut = 0; cut < bytes.length - 2; cut++) {
      rows.rows.clear();
      deleteStored();
      InputStream truncated = new ByteArrayInputStream(bytes, 0, cut);
      try {
        this.cut.storeAll(new MultipartUploads.Body(truncated, CONTENT_TYPE, -1));
        fail("truncated at " + cut + " of " + bytes.length + " was accepted");
      } catch (DepotException expected) {
        assertTrue(expected.is(Problem.MALFORMED_MULTIPART) || expected.is(Problem.MISSING_FILE_PART)
            || expected.is(Problem.UPLOAD_INCOMPLETE), expected.problem() + ": " + expected.getMessage());
        // the client's mistake: 400
      }
      assertEquals(0, tempFiles(), "temp files after truncation at " + cut);
      assertFalse(Files.exists(root.resolve("t/two.txt")) && cut < secondStart + "second file".length() + 2,
          "partial second file after truncation at " + cut);
      for (var row : rows.rows.values()) {
        assertTrue(Files.exists(root.resolve(row.getPath())), "row without file after truncation at " + cut);
      }
    }
  }

  @Test
  void garbageAndMissingBoundariesAreMalformed() {
    assertProblem(Problem.MALFORMED_MULTIPART, () -> cut.storeAll(new MultipartUploads.Body(text("not multipart at all"), CONTENT_TYPE, -1)));
    assertProblem(Problem.MALFORMED_MULTIPART, () -> cut.storeAll(new MultipartUploads.Body(text("--x\r\n"), "multipart/form-data", -1)));
    assertProblem(Problem.MALFORMED_MULTIPART, () -> cut.storeAll(new MultipartUploads.Body(text("--x\r\n"), "text/plain", -1)));
  }

  @Test
  void storeOneTakesTheNamedFilePartOnly() {
    String body = fileHeader("other", "skip.txt") + "skip\r\n" + fileHeader("upload_file", "take.txt") + "take\r\n--" + BOUNDARY + "--\r\n";

    Uploads.Stored stored = cut.storeOne(new MultipartUploads.Body(text(body), CONTENT_TYPE, -1), "upload_file");

    assertEquals("take.txt", stored.file().getPath());
    assertFalse(Files.exists(root.resolve("skip.txt")));
  }

  @Test
  void aFileNameWithANulIsAnInvalidPathNotAnInternalError() {
    String body = fileHeader("f", "evil\u0000.txt") + "x\r\n--" + BOUNDARY + "--\r\n";

    assertProblem(Problem.INVALID_PATH, () -> cut.storeAll(new MultipartUploads.Body(text(body), CONTENT_TYPE, -1)));
    assertEquals(0, tempFiles());
  }

  @Test
  void aBodyThatBreaksOffIsAnIncompleteUploadAndLeavesNoPartialFile() {
    InputStream breaking = new InputStream() {
      private final InputStream start = concat(text(fileHeader("f", "cut.bin")), new RandomBytes(5, 1 << 20));

      @Override
      public int read() throws IOException {
        int b = start.read();
        if (b < 0) {
          throw new IOException("connection reset by peer");
        }
        return b;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        int n = start.read(b, off, len);
        if (n < 0) {
          throw new IOException("connection reset by peer");
        }
        return n;
      }
    };

    assertProblem(Problem.UPLOAD_INCOMPLETE, () -> cut.storeAll(new MultipartUploads.Body(breaking, CONTENT_TYPE, -1)));
    assertFalse(Files.exists(root.resolve("cut.bin")));
    assertEquals(0, tempFiles());
  }

  @Test
  void aFileIsStoredUnderTheBaseNameOfItsFilenameStarOrItsPlainFilename() throws IOException {
    String body = "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"f\"; filename=\"C:\\Users\\me\\a.txt\"\r\n\r\nA\r\n"
        + "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"f\"; filename=\"ete.txt\"; filename*=UTF-8''%C3%A9t%C3%A9.txt\r\n\r\nB\r\n"
        + "--" + BOUNDARY + "--\r\n";

    List<Uploads.Stored> stored = cut.storeAll(new MultipartUploads.Body(text(body), CONTENT_TYPE, -1));

    assertEquals(List.of("a.txt", "\u00e9t\u00e9.txt"), stored.stream().map(s -> s.file().getPath()).toList());
    assertEquals("C:\\Users\\me\\a.txt", stored.get(0).file().getOriginalFilename());
    assertEquals("B", Files.readString(root.resolve("\u00e9t\u00e9.txt")));
  }

  @Test
  void everyDigestLineOfAPartIsChecked() {
    String good = "sha-256=:" + java.util.Base64.getEncoder().encodeToString(sha256("x")) + ":";
    String wrong = "sha-256=:" + java.util.Base64.getEncoder().encodeToString(sha256("y")) + ":";
    String body = fileHeader("f", "d.txt").replace("\r\n\r\n", "\r\nContent-Digest: " + good + "\r\nContent-Digest: " + wrong + "\r\n\r\n")
        + "x\r\n--" + BOUNDARY + "--\r\n";

    assertProblem(Problem.DIGEST_MISMATCH, () -> cut.storeAll(new MultipartUploads.Body(text(body), CONTENT_TYPE, -1)));
    assertFalse(Files.exists(root.resolve("d.txt")));
  }

  @Test
  void aNestedMultipartFieldIsRefusedRatherThanDroppedAsText() {
    String body = "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"files\"\r\nContent-Type: multipart/mixed; boundary=inner\r\n\r\n"
        + "--inner\r\nContent-Disposition: file; filename=\"a.txt\"\r\n\r\nA\r\n--inner--\r\n"
        + "--" + BOUNDARY + "--\r\n";

    assertProblem(Problem.MALFORMED_MULTIPART, () -> cut.storeAll(new MultipartUploads.Body(text(body), CONTENT_TYPE, -1)));
  }

  private static byte[] sha256(String s) {
    try {
      return java.security.MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  private static String field(String name, String value) {
    return "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value + "\r\n";
  }

  private static String fileHeader(String name, String filename) {
    return "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"" + name + "\"; filename=\"" + filename
        + "\"\r\nContent-Type: application/octet-stream\r\n\r\n";
  }

  private static InputStream text(String s) {
    return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
  }

  private static InputStream concat(InputStream... parts) {
    return new SequenceInputStream(Collections.enumeration(List.of(parts)));
  }

  private void deleteStored() {
    try (Stream<Path> walk = Files.walk(root)) {
      walk.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().startsWith(".depot-")).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private long tempFiles() {
    if (!Files.exists(settings.tempDir())) {
      return 0;
    }
    try (Stream<Path> files = Files.list(settings.tempDir())) {
      return files.filter(f -> !f.getFileName().toString().startsWith(".depot-")).count();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}
