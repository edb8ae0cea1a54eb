package dev.depot.storage.control;

import static dev.depot.problem.Problems.assertProblem;
import dev.depot.problem.Problem;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depot.config.FixedSettings;
import dev.depot.config.StorageLayout;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileSystemBlobStoreTest {

  @TempDir Path root;
  StorageLayout layout;
  FileSystemBlobStore cut;

  @BeforeEach
  void init() {
    layout = new FixedSettings(root).layout();
    cut = new FileSystemBlobStore(layout, true);
  }

  @Test
  void stageComputesSizeAndSha256InOnePassIntoAPrivateTempFile() throws IOException {
    try (StagedBlob blob = cut.stage(stream("hello"), 100)) {
      assertEquals(5, blob.size());
      assertEquals("2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824", blob.sha256());
      assertTrue(blob.file().startsWith(layout.temp()));
      assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(blob.file())));
      assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(layout.temp())));
    }
  }

  @Test
  void stageOverTheLimitFailsAndLeavesNothing() {
    assertProblem(Problem.UPLOAD_TOO_LARGE, () -> cut.stage(new ByteArrayInputStream(new byte[1001]), 1000));
    assertEquals(0, tempFiles());
  }

  @Test
  void stageWhoseSourceBreaksPropagatesTheReadFailureAndLeavesNothing() {
    InputStream breaking = new InputStream() {
      int sent;

      @Override
      public int read() throws IOException {
        if (sent++ > 10_000) {
          throw new IOException("connection reset");
        }
        return 'x';
      }
    };
    IOException e = assertThrows(IOException.class, () -> cut.stage(breaking, 1 << 20));
    assertEquals("connection reset", e.getMessage());
    assertEquals(0, tempFiles());
  }

  @Test
  void publishMakesTheFileVisibleAtItsKeyAndConsumesTheStagedFile() throws IOException {
    StagedBlob blob = cut.stage(stream("content"), 100);

    BlobStore.Publication publication = cut.publish(blob, "a/b/c.txt");
    publication.confirm();

    assertFalse(publication.replaced());
    assertEquals("content", Files.readString(root.resolve("a/b/c.txt")));
    assertFalse(Files.exists(blob.file()));
    assertEquals(0, tempFiles());
  }

  @Test
  void rollbackOfAReplaceRestoresThePreviousContent() throws IOException {
    cut.publish(cut.stage(stream("old"), 100), "f.txt").confirm();

    BlobStore.Publication publication = cut.publish(cut.stage(stream("new"), 100), "f.txt");
    assertTrue(publication.replaced());
    assertEquals("new", Files.readString(root.resolve("f.txt")));
    publication.rollback();

    assertEquals("old", Files.readString(root.resolve("f.txt")));
    assertEquals(0, tempFiles());
  }

  @Test
  void rollbackOfANewFileRemovesIt() throws IOException {
    cut.publish(cut.stage(stream("x"), 100), "new.txt").rollback();

    assertFalse(Files.exists(root.resolve("new.txt")));
  }

  @Test
  void rollbackOfANewFileRemovesTheDirectoriesItsPublishCreated() throws IOException {
    cut.publish(cut.stage(stream("k"), 100), "n/keep.txt").confirm();

    cut.publish(cut.stage(stream("x"), 100), "n/e/w.txt").rollback();

    assertFalse(Files.exists(root.resolve("n/e")));
    assertTrue(Files.isRegularFile(root.resolve("n/keep.txt")));
  }

  @Test
  void confirmOfAReplaceDropsTheBackup() throws IOException {
    cut.publish(cut.stage(stream("old"), 100), "f.txt").confirm();
    cut.publish(cut.stage(stream("newer"), 100), "f.txt").confirm();

    assertArrayEquals("newer".getBytes(StandardCharsets.UTF_8), Files.readAllBytes(root.resolve("f.txt")));
    assertEquals(0, tempFiles());
  }

  @Test
  void removingTheLastFileOfADirectoryRemovesTheDirectoriesItLeftEmpty() throws IOException {
    cut.publish(cut.stage(stream("c"), 100), "a/b/c.txt").confirm();
    cut.publish(cut.stage(stream("k"), 100), "a/keep.txt").confirm();

    cut.remove("a/b/c.txt").orElseThrow().confirm();
    assertFalse(Files.exists(root.resolve("a/b")));
    assertTrue(Files.isRegularFile(root.resolve("a/keep.txt")));

    cut.remove("a/keep.txt").orElseThrow().confirm();
    assertFalse(Files.exists(root.resolve("a")));
    assertTrue(Files.isDirectory(root));
    assertTrue(Files.isDirectory(layout.temp()));
    cut.publish(cut.stage(stream("now a file"), 100), "a").confirm(); // the path is free again
    assertEquals("now a file", Files.readString(root.resolve("a")));
  }

  @Test
  void rollbackOfARemovalWhoseDirectoryWasRemovedMeanwhilePutsItBack() throws IOException {
    cut.publish(cut.stage(stream("x"), 100), "d/x.txt").confirm();
    cut.publish(cut.stage(stream("y"), 100), "d/y.txt").confirm();
    BlobStore.Removal x = cut.remove("d/x.txt").orElseThrow();

    cut.remove("d/y.txt").orElseThrow().confirm(); // d/ looked empty: removed
    assertFalse(Files.exists(root.resolve("d")));
    x.rollback();

    assertEquals("x", Files.readString(root.resolve("d/x.txt")));
    assertEquals(0, tempFiles());
  }

  @Test
  void publishingIntoADirectoryThatConcurrentDeletesKeepRemovingNeverFails() throws Exception {
    FileSystemBlobStore store = new FileSystemBlobStore(layout, false);
    int rounds = 2000;
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
    try {
      List<java.util.concurrent.Future<?>> writers = new ArrayList<>();
      for (String writer : List.of("w1", "w2")) {
        writers.add(pool.submit(() -> {
          for (int i = 0; i < rounds; i++) {
            String key = "shared/dir/" + writer + "-" + i;
            store.publish(store.stage(stream(key), 100), key).confirm();
            store.remove(key).orElseThrow().confirm();
          }
          return null;
        }));
      }
      for (java.util.concurrent.Future<?> writer : writers) {
        writer.get(2, java.util.concurrent.TimeUnit.MINUTES); // a failed publish fails here
      }
    } finally {
      pool.shutdownNow();
    }
    assertFalse(Files.exists(root.resolve("shared")));
    assertEquals(0, tempFiles());
  }

  @Test
  void theTempDirectoryIsNotAKey() {
    assertProblem(Problem.INVALID_PATH, () -> cut.checkWritable(".depot-tmp/x"));
  }

  @Test
  void discardIsIdempotent() throws IOException {
    StagedBlob blob = cut.stage(stream("x"), 10);
    blob.discard();
    blob.discard();
    assertEquals(0, tempFiles());
  }

  private static InputStream stream(String s) {
    return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
  }

  private long tempFiles() {
    try (Stream<Path> files = Files.list(layout.temp())) {
      return files.count();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}
