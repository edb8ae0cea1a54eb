package dev.depot.files.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link DelimiterSearch} against the definition, for both of its strategies: no delimiter may start
 * left of the position it returns, whatever bytes follow the range; at that position a whole one
 * starts if it fits.
 */
class DelimiterSearchTest {

  @Test
  void findsTheFirstDelimiterAndNeverSkipsOneThatMayContinuePastTheRange() {
    SplittableRandom r = new SplittableRandom(12);
    for (int round = 0; round < 20_000; round++) {
      int boundary = 1 + r.nextInt(70);
      byte[] d = new byte[4 + boundary];
      d[0] = '\r';
      d[1] = '\n';
      d[2] = '-';
      d[3] = '-';
      String alphabet = r.nextBoolean() ? "-ab\r\n" : "abcdefghijklmnopqrstuvwxyz0123456789-";
      for (int i = 4; i < d.length; i++) {
        d[i] = (byte) alphabet.charAt(r.nextInt(alphabet.length()));
      }
      byte[] b = new byte[r.nextInt(300)];
      for (int i = 0; i < b.length; i++) {
        b[i] = r.nextInt(3) == 0 ? (byte) r.nextInt(256) : (byte) (alphabet + "\r\n").charAt(r.nextInt(alphabet.length() + 2));
      }
      for (int k = r.nextInt(4); k > 0 && b.length > 0; k--) { // plant delimiters and prefixes of one
        int at = r.nextInt(b.length);
        System.arraycopy(d, 0, b, at, Math.min(b.length - at, 1 + r.nextInt(d.length)));
      }
      int from = b.length == 0 ? 0 : r.nextInt(b.length);
      int end = from + r.nextInt(b.length - from + 1);

      int p = new DelimiterSearch(d).find(b, from, end);

      String where = "round " + round + ": from " + from + ", end " + end + ", found " + p;
      assertTrue(p >= from && p <= end, where);
      for (int q = from; q < p; q++) {
        int n = Math.min(d.length, end - q);
        assertTrue(!Arrays.equals(b, q, q + n, d, 0, n), where + ": a delimiter may start at " + q);
      }
      if (p <= end - d.length) {
        assertTrue(Arrays.equals(b, p, p + d.length, d, 0, d.length), where + " is no delimiter");
      }
    }
  }

  @Test
  void returnsAMatchOrWhereOneMayStartOrTheEnd() {
    byte[] shortOne = ascii("\r\n--x"); // the CR scan
    byte[] longOne = ascii("\r\n--" + "y".repeat(DelimiterSearch.HORSPOOL_FROM)); // Horspool
    byte[] hay = ascii("0123456789abcdef0123456789abcdef\r\n--x\r\n--" + "y".repeat(DelimiterSearch.HORSPOOL_FROM));
    assertEquals(32, new DelimiterSearch(shortOne).find(hay, 0, hay.length));
    assertEquals(37, new DelimiterSearch(longOne).find(hay, 0, hay.length));
    assertEquals(32, new DelimiterSearch(shortOne).find(hay, 0, 36)); // "\r\n--" may become a delimiter
    assertEquals(32, new DelimiterSearch(longOne).find(hay, 0, 60)); // Horspool stops at the first window it cannot judge
    assertEquals(30, new DelimiterSearch(shortOne).find(hay, 3, 30)); // nothing can start before the end
    assertEquals(3, new DelimiterSearch(longOne).find(hay, 3, 30)); // shorter than the delimiter: nothing judged
  }

  private static byte[] ascii(String s) {
    return s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  }
}
