package dev.depot.storage.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PrefixRangeTest {

  /** PostgreSQL's order of the path column (COLLATE "C"): UTF-8 bytes, unsigned, which is code points. */
  static final Comparator<String> CODE_POINTS =
      (a, b) -> Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));

  /** H2's order: Java strings, UTF-16 code units. */
  static final Comparator<String> UTF16 = Comparator.naturalOrder();

  @Test
  void theUpperBoundIncrementsTheLastCharacter() {
    assertRange("reports/2026/", "reports/2026/", "reports/20260");
    assertRange("a/b", "a/b", "a/c");
    assertRange("logs/z", "logs/z", "logs/{");
    assertRange("100%_off!", "100%_off!", "100%_off\"");
    assertRange("é", "é", "ê");
  }

  @Test
  void fullWidthAndOtherHighBmpCharactersStayInTheBmp() {
    assertRange("x/\uFF01", "x/\uFF01", "x/\uFF02"); // ！ → ＂
    assertRange("x/\uFF5E", "x/\uFF5E", "x/\uFF5F"); // ～
    assertRange("x/\uFFFD", "x/\uFFFD", "x/\uFFFE");
    assertRange("x/\uFFFE", "x/\uFFFE", "x/\uFFFF");
  }

  @Test
  void theLastCharacterBeforeTheSurrogatesIsFollowedByTheFirstAfterThem() {
    assertRange("x\uD7FF", "x\uD7FF", "x\uE000");
  }

  @Test
  void supplementaryCharactersAreIncrementedAsCodePoints() {
    assertRange("x/😀", "x/😀", "x/😁"); // U+1F600 → U+1F601
    assertRange("x/\uD83D\uDFFF", "x/\uD83D\uDFFF", "x/\uD83E\uDC00"); // U+1F7FF → U+1F800: the pair's high half changes
    assertRange("\uD800\uDC00", "\uD800\uDC00", "\uD800\uDC01"); // U+10000
    assertRange("x\uDBFF\uDFFE", "x\uDBFF\uDFFE", "x\uDBFF\uDFFF"); // U+10FFFE → U+10FFFF
  }

  @Test
  void aLastCharacterWithNoSafeSuccessorIsDroppedAndTheOneBeforeIncremented() {
    // U+10000 sorts above U+FFFF in code points but below it in UTF-16: no safe successor
    assertRange("ab\uFFFF", "ab\uFFFF", "ac");
    assertRange("ab\uDBFF\uDFFF", "ab\uDBFF\uDFFF", "ac"); // U+10FFFF, the last code point
    assertRange("a😀\uFFFF\uDBFF\uDFFF", "a😀\uFFFF\uDBFF\uDFFF", "a😁");
    assertRange("ab\uD800", "ab\uD800", "ac"); // a lone surrogate (no key holds one)
    assertRange("ab\uDC00", "ab\uDC00", "ac");
  }

  @Test
  void nothingToIncrementMeansNoUpperBound() {
    assertEquals(new PrefixRange("", Optional.empty()), PrefixRange.of(""));
    assertEquals(new PrefixRange("\uFFFF", Optional.empty()), PrefixRange.of("\uFFFF"));
    assertEquals(new PrefixRange("\uDBFF\uDFFF\uFFFF", Optional.empty()), PrefixRange.of("\uDBFF\uDFFF\uFFFF"));
  }

  /**
   * Every string that starts with a prefix lies in the prefix's range, in both orders a database
   * compares paths in, for strings built from the characters where UTF-16 and code point order part
   * (around the surrogates, the full-width forms, U+FFFF, the last plane) and where a linguistic
   * collation would (punctuation after letters and digits). Keys never hold U+FFFE, U+FFFF or U+10FFFF
   * (StoragePaths), but the range does not rely on that.
   */
  @Test
  void everyStringWithThePrefixIsInTheRangeInBothOrders() {
    String[] alphabet = {
      "/", "0", "9", "A", "z", "{", "~", "é", "\uD7FF", "\uE000", "\uFF01", "\uFF5E", "\uFFFD", "\uFFFE",
      "\uFFFF", "😀", "\uD83D\uDFFF", "\uD800\uDC00", "\uDBFF\uDFFD", "\uDBFF\uDFFF"
    };
    String[] loneSurrogates = {"\uD800", "\uDFFF"}; // not characters (not even in UTF-8), may be asked for
    List<String> keys = strings(alphabet, 3);
    List<String> prefixes = strings(concat(alphabet, loneSurrogates), 2);
    int checked = 0;
    for (String prefix : prefixes) {
      PrefixRange range = PrefixRange.of(prefix);
      for (String key : keys) {
        if (key.startsWith(prefix)) {
          for (Comparator<String> order : List.of(CODE_POINTS, UTF16)) {
            assertTrue(order.compare(range.lower(), key) <= 0, () -> describe(prefix, key, range));
            range.upper().ifPresent(upper -> assertTrue(order.compare(key, upper) < 0, () -> describe(prefix, key, range)));
          }
          checked++;
        }
      }
    }
    assertTrue(checked > 10_000, "checked " + checked);
  }

  private static void assertRange(String prefix, String lower, String upper) {
    assertEquals(new PrefixRange(lower, Optional.of(upper)), PrefixRange.of(prefix), () -> units(prefix));
  }

  /** All strings of 1 to {@code length} pieces of {@code alphabet}. */
  private static List<String> strings(String[] alphabet, int length) {
    List<String> all = new ArrayList<>(List.of(alphabet));
    List<String> last = List.of(alphabet);
    for (int n = 2; n <= length; n++) {
      List<String> longer = new ArrayList<>();
      for (String s : last) {
        for (String c : alphabet) {
          longer.add(s + c);
        }
      }
      all.addAll(longer);
      last = longer;
    }
    return all;
  }

  private static String[] concat(String[] a, String[] b) {
    String[] both = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, both, a.length, b.length);
    return both;
  }

  private static String describe(String prefix, String key, PrefixRange range) {
    return "prefix " + units(prefix) + ", key " + units(key) + ", range " + units(range.lower()) + " .. "
        + range.upper().map(PrefixRangeTest::units).orElse("end");
  }

  private static String units(String s) {
    StringBuilder out = new StringBuilder();
    s.chars().forEach(c -> out.append(String.format("\\u%04X", c)));
    return out.toString();
  }
}
