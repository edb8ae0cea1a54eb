package dev.depot.config;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses human sizes such as {@code 16GiB}, {@code 512 MiB}, {@code 10MB} or {@code 1048576}.
 *
 * <p>Binary units (KiB, MiB, GiB, TiB) are powers of 1024, decimal ones (kB, MB, GB, TB) powers of
 * 1000, and a bare number (or {@code B}) is bytes, so an admin can paste either convention.
 */
public final class DataSize {

  private static final Pattern SIZE =
      Pattern.compile("\\s*(\\d{1,19})\\s*([kmgt]i?b|b)?\\s*", Pattern.CASE_INSENSITIVE);

  private DataSize() {}

  /**
   * @throws IllegalArgumentException if the text is not a size, or overflows a long
   */
  public static long parse(String text) {
    Matcher m = SIZE.matcher(text == null ? "" : text);
    if (!m.matches()) {
      throw new IllegalArgumentException("not a size: '" + text + "' (examples: 1048576, 512MiB, 16GiB)");
    }
    long number = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "b" : m.group(2).toLowerCase(Locale.ROOT);
    long factor =
        switch (unit) {
          case "b" -> 1L;
          case "kb" -> 1000L;
          case "mb" -> 1000L * 1000;
          case "gb" -> 1000L * 1000 * 1000;
          case "tb" -> 1000L * 1000 * 1000 * 1000;
          case "kib" -> 1L << 10;
          case "mib" -> 1L << 20;
          case "gib" -> 1L << 30;
          case "tib" -> 1L << 40;
          default -> throw new IllegalArgumentException("unknown unit in '" + text + "'");
        };
    try {
      return Math.multiplyExact(number, factor);
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException("size too large: '" + text + "'", e);
    }
  }
}
