package dev.depot.storage.control;

import static dev.depot.problem.Problems.assertProblem;
import dev.depot.problem.Problem;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depot.config.FixedSettings;
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
  StorageFixture storage;
  Stores.Attachment layout;
  FileSystemBlobStore cut;

  @BeforeEach
  void init() {
    storage = new StorageFixture(new FixedSettings(root));
    cut = storage.blobStore(true, FileSystemBlobStore.FORCE);
    layout = cut.attachment();
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
  void aDirectoryWithARemovalPendingIsNotRemovedUnderIt() throws Exception {
    cut.publish(cut.stage(stream("x"), 100), "d/x.txt").confirm();
    cut.publish(cut.stage(stream("y"), 100), "d/y.txt").confirm();
    java.util.concurrent.ExecutorService other = java.util.concurrent.Executors.newSingleThreadExecutor();
    try {
      // A removal of d/x.txt waits for its row to be deleted; meanwhile another delete empties d/.
      java.util.concurrent.CountDownLatch removed = new java.util.concurrent.CountDownLatch(1);
      java.util.concurrent.CountDownLatch undo = new java.util.concurrent.CountDownLatch(1);
      java.util.concurrent.Future<?> x = other.submit(() -> {
        BlobStore.Removal removal = cut.remove("d/x.txt").orElseThrow();
        removed.countDown();
        undo.await();
        removal.rollback(); // its row could not be deleted: the file comes back
        return null;
      });
      removed.await();
      java.util.concurrent.Future<?> y = java.util.concurrent.ForkJoinPool.commonPool().submit(() -> {
        cut.remove("d/y.txt").orElseThrow().confirm(); // would remove the emptied d/ under the first removal
        return null;
      });
      Thread.sleep(200);
      assertTrue(Files.isDirectory(root.resolve("d")), "d/ stays while a removal in it may still be undone");
      undo.countDown();
      x.get(30, java.util.concurrent.TimeUnit.SECONDS);
      y.get(30, java.util.concurrent.TimeUnit.SECONDS);
    } finally {
      other.shutdownNow();
    }
    assertEquals("x", Files.readString(root.resolve("d/x.txt")));
    assertFalse(Files.exists(root.resolve("d/y.txt")));
    assertEquals(0, tempFiles());
  }

  @Test
  void publishingIntoADirectoryThatConcurrentDeletesKeepRemovingNeverFails() throws Exception {
    FileSystemBlobStore store = storage.blobStore(false, FileSystemBlobStore.FORCE);
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
  void aFailedFsyncOfTheDirectoryFailsThePublishAndPublishesNothing() throws IOException {
    cut.publish(cut.stage(stream("old"), 100), "f.txt").confirm();
    FileSystemBlobStore failing = storage.blobStore(true, (channel, directory) -> {
      if (directory) {
        throw new IOException("EIO from the disk");
      }
      channel.force(true);
    });

    StagedBlob replacing = failing.stage(stream("new"), 100);
    assertProblem(Problem.STORAGE_FAILURE, () -> failing.publish(replacing, "f.txt"));
    StagedBlob creating = failing.stage(stream("fresh"), 100);
    assertProblem(Problem.STORAGE_FAILURE, () -> failing.publish(creating, "n/e/w.txt"));

    assertEquals("old", Files.readString(root.resolve("f.txt")));
    assertFalse(Files.exists(root.resolve("n")));
    replacing.discard();
    creating.discard();
    assertEquals(0, tempFiles());
  }

  @Test
  void aFailedFsyncOfTheFileFailsTheStageAndLeavesNothing() {
    FileSystemBlobStore failing = storage.blobStore(true, (channel, directory) -> {
      throw new IOException("EIO from the disk");
    });

    assertProblem(Problem.STORAGE_FAILURE, () -> failing.stage(stream("x"), 100));
    assertEquals(0, tempFiles());
  }

  @Test
  void everyDirectoryMadeForAFileIsForcedToDisk() throws IOException {
    List<String> forced = new java.util.concurrent.CopyOnWriteArrayList<>();
    FileSystemBlobStore counting = storage.blobStore(true, (channel, directory) -> {
      forced.add(directory ? "dir" : "file");
      channel.force(true);
    });

    counting.publish(counting.stage(stream("deep"), 100), "x/y/z.txt").confirm();

    // the file; the directory it went into (y); the parents of the two new directories (root, x)
    assertEquals(List.of("file", "dir", "dir", "dir"), forced);
  }

  @Test
  void linksAndFilesInTheWayAreRefused(@org.junit.jupiter.api.io.TempDir Path outside) throws IOException {
    Files.createSymbolicLink(root.resolve("link"), outside);
    Files.createSymbolicLink(root.resolve("file-link"), outside.resolve("target.txt"));
    Files.createDirectories(root.resolve("dir"));
    Files.writeString(root.resolve("file"), "x");

    assertProblem(Problem.INVALID_PATH, () -> cut.checkWritable("link/x.txt"));
    assertProblem(Problem.INVALID_PATH, () -> cut.checkWritable("file-link"));
    assertProblem(Problem.PATH_CONFLICT, () -> cut.checkWritable("dir"));
    assertProblem(Problem.PATH_CONFLICT, () -> cut.checkWritable("file/under"));
    assertProblem(Problem.INVALID_PATH, () -> cut.publish(cut.stage(stream("x"), 100), "link/x.txt"));
    assertProblem(Problem.INVALID_PATH, () -> cut.open("link/target.txt"));
    assertProblem(Problem.INVALID_PATH, () -> cut.remove("link/target.txt"));
    assertTrue(cut.open("file-link").isEmpty(), "a link is not a stored file");
    try (Stream<Path> out = Files.list(outside)) {
      assertEquals(0, out.count());
    }
  }

  /**
   * Issue 11, item 8: a parent directory swapped for a link between a check and a use, again and again,
   * while files are written, read and removed below it. Nothing outside the root is read, written or
   * removed.
   */
  @Test
  void aParentSwappedForALinkMeanwhileNeverLeadsOutsideTheRoot(@org.junit.jupiter.api.io.TempDir Path outside) throws Exception {
    Files.createDirectories(outside.resolve("sub"));
    Files.writeString(outside.resolve("sub/secret.txt"), "outside the root");
    Path race = root.resolve("race");
    Path parked = root.resolve("parked");
    java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
    Thread swapper = new Thread(() -> {
      while (!stop.get()) {
        try { // race/ is a real directory one moment and a link to outside/ the next
          if (Files.isSymbolicLink(race)) {
            Files.delete(race);
            if (Files.isDirectory(parked)) {
              Files.move(parked, race);
            }
          } else if (Files.isDirectory(race)) {
            Files.move(race, parked);
            Files.createSymbolicLink(race, outside);
          }
        } catch (IOException ignored) {
          // the store moved something meanwhile; swap again
        }
      }
    });
    FileSystemBlobStore cut = storage.blobStore(false, FileSystemBlobStore.FORCE); // fsync adds time, not coverage
    swapper.start();
    int wrote = 0;
    try {
      for (int i = 0; i < 2000; i++) {
        try {
          cut.publish(cut.stage(stream("inside " + i), 100), "race/sub/file-" + i + ".txt").confirm();
          wrote++;
        } catch (dev.depot.problem.DepotException refused) {
          assertRefusal(refused);
        }
        try {
          cut.open("race/sub/secret.txt").ifPresent(content -> {
            content.close();
            throw new AssertionError("read a file outside the root");
          });
          cut.remove("race/sub/secret.txt").ifPresent(removal -> {
            removal.rollback();
            throw new AssertionError("removed a file outside the root");
          });
          cut.remove("race/sub/file-" + i + ".txt").ifPresent(BlobStore.Removal::confirm);
        } catch (dev.depot.problem.DepotException refused) {
          assertRefusal(refused);
        }
      }
    } finally {
      stop.set(true);
      swapper.join();
    }
    try (Stream<Path> out = Files.walk(outside)) {
      assertEquals(List.of(outside, outside.resolve("sub"), outside.resolve("sub/secret.txt")),
          out.sorted().toList(), "nothing written to or removed from outside the root");
    }
    assertEquals("outside the root", Files.readString(outside.resolve("sub/secret.txt")));
    assertTrue(wrote > 0, "some writes got through between swaps");
  }

  /** A race with a swapped parent is the client's path gone bad, never the server's failure. */
  private static void assertRefusal(dev.depot.problem.DepotException refused) {
    assertTrue(refused.is(Problem.INVALID_PATH) || refused.is(Problem.PATH_CONFLICT), refused.problem() + ": " + refused.getMessage());
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
      return files.filter(f -> !f.getFileName().toString().startsWith(".depot-")).count();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}
