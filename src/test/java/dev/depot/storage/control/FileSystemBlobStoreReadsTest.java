package dev.depot.storage.control;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real round trips on disk: stage, publish, open, read ranges, remove, roll back. */
class FileSystemBlobStoreReadsTest {

  @TempDir Path dir;

  private FileSystemBlobStore cut;

  @BeforeEach
  void store() {
    dev.depot.config.FixedSettings settings = new dev.depot.config.FixedSettings(dir);
    cut = new StorageFixture(settings).blobStore(false, FileSystemBlobStore.FORCE);
  }

  @Test
  void openReadsWhatWasPublishedWholeAndInRanges() throws IOException {
    byte[] bytes = put("a/b.bin", 300_000);

    try (BlobStore.Content content = cut.open("a/b.bin").orElseThrow()) {
      assertEquals(bytes.length, content.size());
      assertArrayEquals(bytes, read(content, 0, bytes.length));
      assertArrayEquals(Arrays.copyOfRange(bytes, 70_000, 270_001), read(content, 70_000, 200_001));
      assertArrayEquals(new byte[0], read(content, 5, 0));
    }
  }

  @Test
  void anOpenContentKeepsReadingTheVersionItOpened() throws IOException {
    byte[] first = put("k", 100_000);
    try (BlobStore.Content content = cut.open("k").orElseThrow()) {
      put("k", 50);
      assertArrayEquals(first, read(content, 0, first.length));
    }
  }

  @Test
  void unknownKeyOpensNothing() {
    assertTrue(cut.open("nothing/here").isEmpty());
    assertTrue(cut.remove("nothing/here").isEmpty());
  }

  @Test
  void confirmedRemovalLeavesNothingBehind() throws IOException {
    put("gone.bin", 10);

    cut.remove("gone.bin").orElseThrow().confirm();

    assertTrue(cut.open("gone.bin").isEmpty());
    assertFalse(Files.exists(dir.resolve("gone.bin")));
    try (var left = Files.list(cut.attachment().temp())) {
      assertEquals(0, left.filter(f -> !f.getFileName().toString().startsWith(".depot-")).count());
    }
  }

  @Test
  void rolledBackRemovalRestoresTheFile() throws IOException {
    byte[] bytes = put("kept.bin", 1000);

    BlobStore.Removal removal = cut.remove("kept.bin").orElseThrow();
    assertTrue(cut.open("kept.bin").isEmpty());
    removal.rollback();

    try (BlobStore.Content content = cut.open("kept.bin").orElseThrow()) {
      assertArrayEquals(bytes, read(content, 0, bytes.length));
    }
  }

  private byte[] put(String key, int size) throws IOException {
    byte[] bytes = new byte[size];
    new Random(size).nextBytes(bytes);
    try (StagedBlob staged = cut.stage(new ByteArrayInputStream(bytes), Long.MAX_VALUE)) {
      cut.publish(staged, key).confirm();
    }
    return bytes;
  }

  private static byte[] read(BlobStore.Content content, long offset, long length) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    content.copyTo(out, offset, length);
    return out.toByteArray();
  }
}
