package dev.depot.files.control;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Finds a multipart delimiter, {@code CRLF "--" boundary} (RFC 2046 §5.1.1), in a byte range, looking
 * at as few bytes as it can. Two strategies, chosen by the delimiter's length (both are linear and
 * exact; which is faster was measured with {@code MultipartThroughput}):
 *
 * <ul>
 *   <li>From {@value #HORSPOOL_FROM} bytes on (boundaries of 24 characters or more: what curl, browsers
 *       and HTTP libraries send), Boyer–Moore–Horspool: the byte under the window's last position
 *       says how far the window may move, the whole delimiter length for a byte it does not hold, so
 *       random content is looked at about once per delimiter length.
 *   <li>Shorter ones move too little that way, so the search looks for the delimiter's first byte,
 *       CR, eight bytes at a time (a SWAR zero-byte test on a {@code long} read from the array), and
 *       compares the whole delimiter only where a CR is.
 * </ul>
 */
final class DelimiterSearch {

  /** The delimiter length from which Horspool is faster than the CR scan. */
  static final int HORSPOOL_FROM = 28;

  private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long CRS = 0x0D0D0D0D0D0D0D0DL;
  private static final long ONES = 0x0101010101010101L;
  private static final long HIGHS = 0x8080808080808080L;

  private final byte[] delimiter;
  private final int[] shift;

  DelimiterSearch(byte[] delimiter) {
    if (delimiter.length < 2 || delimiter[0] != '\r') {
      throw new IllegalArgumentException("a delimiter starts with CR");
    }
    this.delimiter = delimiter.clone();
    int m = delimiter.length;
    if (m >= HORSPOOL_FROM) {
      shift = new int[256];
      Arrays.fill(shift, m);
      for (int i = 0; i < m - 1; i++) {
        shift[delimiter[i] & 0xff] = m - 1 - i;
      }
    } else {
      shift = null;
    }
  }

  int length() {
    return delimiter.length;
  }

  /**
   * Looks at {@code b[from, end)} and returns a position in {@code [from, end]} before which no
   * delimiter starts, whatever bytes follow {@code end}. If it is at most {@code end - length()}, a
   * whole delimiter starts there; otherwise the bytes from there on are undecided (a delimiter may
   * begin among them and continue past {@code end}) and at most {@code length() - 1} of them are left.
   */
  int find(byte[] b, int from, int end) {
    return shift != null ? horspool(b, from, end) : crScan(b, from, end);
  }

  private int horspool(byte[] b, int from, int end) {
    final byte[] d = delimiter;
    final int last = d.length - 1;
    final byte lastByte = d[last];
    final int stop = end - d.length;
    int i = from;
    while (i <= stop) {
      byte c = b[i + last];
      if (c == lastByte && b[i] == '\r' && Arrays.equals(b, i + 1, i + last, d, 1, last)) {
        return i;
      }
      i += shift[c & 0xff];
    }
    return i; // every skipped position was excluded by a byte already read, so i <= end
  }

  private int crScan(byte[] b, int from, int end) {
    final byte[] d = delimiter;
    final int m = d.length;
    final int stop = end - m;
    int i = from;
    while (true) {
      while (i + 16 <= end) {
        // x has a zero byte where b has a CR; the lowest bit of (x - 1s) & ~x & 80s marks the first one
        long x0 = (long) LONGS.get(b, i) ^ CRS;
        long x1 = (long) LONGS.get(b, i + 8) ^ CRS;
        long z0 = (x0 - ONES) & ~x0 & HIGHS;
        long z1 = (x1 - ONES) & ~x1 & HIGHS;
        if ((z0 | z1) != 0) {
          i += z0 != 0 ? Long.numberOfTrailingZeros(z0) >>> 3 : 8 + (Long.numberOfTrailingZeros(z1) >>> 3);
          break;
        }
        i += 16;
      }
      while (i < end && b[i] != '\r') {
        i++;
      }
      if (i > stop || Arrays.equals(b, i + 1, i + m, d, 1, m)) {
        return i; // a match, the start of the undecided tail, or end
      }
      i++;
    }
  }
}
