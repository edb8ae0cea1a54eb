package dev.depot.config;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses human sizes: a whole number of bytes, optionally followed by a unit, with or without a space
 * and in any letter case ({@code 1048576}, {@code 512 MiB}, {@code 16GiB}, {@code 8m}, {@code 10MB}).
 *
 * <ul>
 *   <li>{@code KiB}/{@code MiB}/{@code GiB}/{@code TiB} (IEC), {@code Ki}/{@code Mi}/{@code Gi}/{@code
 *       Ti} (Kubernetes quantities) and the single letters {@code k}/{@code m}/{@code g}/{@code t} (as
 *       the JVM's {@code -Xmx8m} reads them) are powers of 1024.
 *   <li>{@code kB}/{@code MB}/{@code GB}/{@code TB} are powers of 1000 (SI), as Depot has always read
 *       them: changing that would silently grow every size already configured that way.
 *   <li>{@code B} or no unit is bytes.
 * </ul>
 *
 * <p>So {@code 8m}, {@code 8Mi} and {@code 8MiB} are all 8,388,608 bytes, while {@code 8MB} is
 * 8,000,000. (Kubernetes reads a bare {@code M} as 10<sup>6</sup>; Depot follows the JVM there, since its
 * settings sit next to {@code -Xmx} in a server's JVM options.) Anything else is refused rather than
 * guessed: fractions ({@code 1.5GiB}), signs, exponents, other units ({@code P}), unit letters that do
 * not form one of the units above ({@code 8mm}, {@code 8iB}), non-ASCII digits, and sizes that do not
 * fit a {@code long}.
 */
public final class DataSize {

  /** A number, then a unit: {@code b}, or k/m/g/t alone or followed by {@code i}, {@code ib} or {@code b}. */
  private static final Pattern SIZE =
      Pattern.compile("\\s*(\\d{1,19})\\s*([kmgt](?:ib|i|b)?|b)?\\s*", Pattern.CASE_INSENSITIVE);

  private static final String EXAMPLES = "examples: 1048576, 512k, 8m, 512MiB, 16GiB, 10MB";

  private DataSize() {}

  /**
   * @throws IllegalArgumentException if the text is not a size ("not a size: …"), or does not fit a
   *     long ("size too large: …")
   */
  public static long parse(String text) {
    Matcher m = SIZE.matcher(text == null ? "" : text);
    if (!m.matches()) {
      throw new IllegalArgumentException("not a size: '" + text + "' (" + EXAMPLES + ")");
    }
    String unit = m.group(2) == null ? "b" : m.group(2).toLowerCase(Locale.ROOT);
    try {
      return Math.multiplyExact(Long.parseLong(m.group(1)), factor(unit));
    } catch (ArithmeticException | NumberFormatException e) { // 19 digits may already overflow
      throw new IllegalArgumentException("size too large: '" + text + "'", e);
    }
  }

  private static long factor(String unit) {
    if (unit.equals("b")) {
      return 1;
    }
    int power = "kmgt".indexOf(unit.charAt(0)) + 1;
    boolean decimal = unit.length() == 2 && unit.charAt(1) == 'b';
    long factor = 1;
    for (int i = 0; i < power; i++) {
      factor *= decimal ? 1000 : 1024;
    }
    return factor;
  }
}
