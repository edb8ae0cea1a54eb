package dev.depot.storage.control;

import java.util.Optional;

/**
 * The key range that holds every path starting with a prefix: from the prefix itself (inclusive) to
 * the prefix with its last character incremented (exclusive), if there is such a bound. A listing
 * sends both bounds next to its LIKE (see {@code StoredFile.PAGE}) so that the database can serve a
 * prefix from the path index even when the pattern is a bound parameter in a generic plan, which
 * PostgreSQL cannot turn into an index range by itself.
 *
 * <p>The range may hold paths without the prefix (the LIKE filters them out), never the reverse, in
 * either order a path column is compared in: PostgreSQL's ({@code COLLATE "C"}, migration V3: UTF-8
 * bytes, that is code points) and H2's (Java strings, UTF-16 code units). The two differ only for
 * characters above U+FFFF (surrogate pairs, D800–DFFF in UTF-16) against U+E000–U+FFFF, such as
 * full-width forms (U+FF01…): in UTF-16, "😀" sorts before "！"; in code points, after. So:
 *
 * <ul>
 *   <li>The lower bound is the prefix: a string sorts at or after its own prefix in any lexicographic
 *       order.
 *   <li>The upper bound replaces the last code point {@code c} by the next one, {@code c'}, where
 *       {@code c'} sorts after {@code c} in both orders. Any path with the prefix then differs from the
 *       bound first at {@code c} versus {@code c'}, and is below it whatever follows. That holds inside
 *       the BMP (one code unit each; U+D7FF is followed by U+E000, as surrogates are not characters)
 *       and among supplementary characters (their surrogate pairs sort in code point order).
 *   <li>U+FFFF has no such successor: U+10000 sorts after it in code points but before it in UTF-16
 *       (D800 DC00). U+10FFFF has none at all. A last character with no successor (or a lone
 *       surrogate, which no key holds) is dropped and the one before it incremented instead: "ab"
 *       followed by U+FFFF gives "ac", still above every path with the prefix.
 *   <li>With nothing left to increment (an empty prefix, or one of only such characters) there is no
 *       upper bound: the range runs to the end of the keys.
 * </ul>
 *
 * <p>Appending a "largest character" instead, as is often done, is wrong here: U+FFFF is below every
 * supplementary character in code points, and U+10FFFF (DBFF DFFF) below U+E000–U+FFFF in UTF-16.
 *
 * @param lower the prefix itself
 * @param upper exclusive bound above every path with the prefix; empty if none exists
 */
public record PrefixRange(String lower, Optional<String> upper) {

  /** The range of every key that starts with {@code prefix}. */
  public static PrefixRange of(String prefix) {
    for (int end = prefix.length(); end > 0; ) {
      int last = prefix.codePointBefore(end);
      int start = end - Character.charCount(last);
      int next = successor(last);
      if (next >= 0) {
        return new PrefixRange(prefix, Optional.of(prefix.substring(0, start) + Character.toString(next)));
      }
      end = start;
    }
    return new PrefixRange(prefix, Optional.empty());
  }

  /**
   * The code point right after {@code c} that sorts after it in UTF-16 code units and in code points
   * alike, or -1 if there is none (U+FFFF, U+10FFFF, or {@code c} is a lone surrogate).
   */
  static int successor(int c) {
    if (c == 0xD7FF) {
      return 0xE000; // over the surrogates, which are not characters (and not valid in UTF-8)
    }
    boolean surrogate = c >= Character.MIN_SURROGATE && c <= Character.MAX_SURROGATE;
    if (surrogate || c == 0xFFFF || c == Character.MAX_CODE_POINT) {
      return -1;
    }
    return c + 1;
  }
}
