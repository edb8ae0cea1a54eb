package dev.depot.it;

import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.SplittableRandom;

/**
 * A reproducible stream of pseudo-random bytes of any length, generated on the fly, with its SHA-256:
 * lets a test send hundreds of MiB without holding them in memory or on disk.
 */
public final class RandomBytes extends InputStream {

  private final SplittableRandom random;
  private long remaining;
  private long current;
  private int left;

  public RandomBytes(long seed, long length) {
    this.random = new SplittableRandom(seed);
    this.remaining = length;
  }

  @Override
  public void close() {}

  @Override
  public int read() {
    byte[] one = new byte[1];
    return read(one, 0, 1) == -1 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) {
    if (remaining <= 0) {
      return -1;
    }
    int n = (int) Math.min(len, remaining);
    // The byte sequence is the little-endian bytes of successive nextLong() values, whatever the read
    // sizes, so any consumer sees the same bytes and the same SHA-256.
    for (int i = 0; i < n; i++) {
      if (left == 0) {
        current = random.nextLong();
        left = 8;
      }
      b[off + i] = (byte) current;
      current >>>= 8;
      left--;
    }
    remaining -= n;
    return n;
  }

  public static String sha256(long seed, long length) {
    RandomBytes in = new RandomBytes(seed, length);
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[1 << 16];
      int n;
      while ((n = in.read(buf, 0, buf.length)) != -1) {
        md.update(buf, 0, n);
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  public static byte[] of(long seed, int length) {
    byte[] b = new byte[length];
    new RandomBytes(seed, length).read(b, 0, length);
    return b;
  }
}
