package dev.depot.storage.control;

import static dev.depot.problem.Problems.assertProblem;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depot.it.RandomBytes;
import dev.depot.problem.Problem;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pipelined copy: same bytes and digests as a plain copy, whatever the sizes; failures stop both sides. */
class DigestingCopyTest {

  @TempDir Path dir;

  @Test
  void copiesAndDigestsEverySizeAroundTheBufferAndTheRing() throws Exception {
    long[] sizes = {0, 1, DigestingCopy.BUFFER_SIZE - 1, DigestingCopy.BUFFER_SIZE, DigestingCopy.BUFFER_SIZE + 1,
        (long) DigestingCopy.BUFFER_SIZE * DigestingCopy.RING + 7, 5L << 20};
    for (long size : sizes) {
      Path file = dir.resolve("f-" + size);
      MessageDigest md5 = MessageDigest.getInstance("MD5");
      MessageDigest sha512 = MessageDigest.getInstance("SHA-512");
      DigestingCopy.Result result;
      try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        result = DigestingCopy.copy(new Trickle(new RandomBytes(size, size)), out, Long.MAX_VALUE, List.of(md5, sha512), size > 0);
      }
      byte[] written = Files.readAllBytes(file);
      assertEquals(size, result.size());
      assertEquals(size, written.length);
      assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(written), result.sha256(), "sha-256 of " + size);
      assertArrayEquals(MessageDigest.getInstance("MD5").digest(written), md5.digest(), "md5 of " + size);
      assertArrayEquals(MessageDigest.getInstance("SHA-512").digest(written), sha512.digest(), "sha-512 of " + size);
    }
  }

  @Test
  void aBrokenSourceIsTheSourcesFailure() throws IOException {
    IOException reset = new IOException("connection reset");
    InputStream breaking = new InputStream() {
      int sent;

      @Override
      public int read() throws IOException {
        if (sent++ > 3 * DigestingCopy.BUFFER_SIZE) {
          throw reset;
        }
        return 'x';
      }
    };
    try (FileChannel out = FileChannel.open(dir.resolve("broken"), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      DigestingCopy.SourceFailure failure =
          assertThrows(DigestingCopy.SourceFailure.class, () -> DigestingCopy.copy(breaking, out, Long.MAX_VALUE, List.of(), true));
      assertSame(reset, failure.getCause());
    }
  }

  @Test
  void overTheLimitIsTooLarge() throws IOException {
    try (FileChannel out = FileChannel.open(dir.resolve("big"), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      assertProblem(Problem.UPLOAD_TOO_LARGE, () -> DigestingCopy.copy(new RandomBytes(1, 1 << 20), out, (1 << 20) - 1, List.of(), false));
    }
  }

  @Test
  void aWriteFailureStopsTheCopy() throws IOException {
    Path file = dir.resolve("closed");
    FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    out.close(); // every write now fails
    IOException e = assertThrows(IOException.class, () -> DigestingCopy.copy(new RandomBytes(2, 1 << 20), out, Long.MAX_VALUE, List.of(), false));
    assertTrue(!(e instanceof DigestingCopy.SourceFailure), "a storage failure, not the source's: " + e);
  }

  /** Hands out small, uneven reads, as a network stream does. */
  private static final class Trickle extends InputStream {
    private final InputStream in;
    private int next = 1;

    Trickle(InputStream in) {
      this.in = in;
    }

    @Override
    public int read() throws IOException {
      return in.read();
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      next = next % 9000 + 1234;
      return in.read(b, off, Math.min(len, next));
    }
  }
}
