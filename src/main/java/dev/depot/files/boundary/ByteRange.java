package dev.depot.files.boundary;

/**
 * A single byte range of a {@code Range} field (RFC 9110 §14.1.2): {@code bytes=first-last}, {@code
 * bytes=first-} or {@code bytes=-suffix}. Anything else — another unit, several ranges, bad syntax — is
 * not parsed, and the request is answered with the whole file, as §14.2 allows a server to do.
 *
 * @param first first byte, or -1 for a suffix range
 * @param last last byte (inclusive), or -1 when open-ended or a suffix range
 * @param suffix length of a suffix range, or -1
 */
record ByteRange(long first, long last, long suffix) {

  /** The bytes a satisfiable range selects from a representation. */
  record Slice(long offset, long length, long size) {
    /** The {@code Content-Range} of a 206. */
    String contentRange() {
      return "bytes " + offset + "-" + (offset + length - 1) + "/" + size;
    }
  }

  /** The range in a {@code Range} field, or null if there is none Depot serves. */
  static ByteRange parse(String header) {
    if (header == null) {
      return null;
    }
    String value = header.trim();
    if (!value.regionMatches(true, 0, "bytes=", 0, 6)) {
      return null;
    }
    String spec = value.substring(6).trim();
    int dash = spec.indexOf('-');
    if (dash < 0 || spec.indexOf(',') >= 0) {
      return null;
    }
    String a = spec.substring(0, dash).trim();
    String b = spec.substring(dash + 1).trim();
    try {
      if (a.isEmpty()) {
        return b.isEmpty() ? null : new ByteRange(-1, -1, number(b));
      }
      long first = number(a);
      long last = b.isEmpty() ? -1 : number(b);
      return last >= 0 && last < first ? null : new ByteRange(first, last, -1);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /**
   * The bytes this range selects from a representation of {@code size} bytes; null if it is not
   * satisfiable (§14.1.1: a first byte at or past the end, or a suffix of zero).
   */
  Slice resolve(long size) {
    if (suffix >= 0) {
      if (suffix == 0) {
        return null;
      }
      long length = Math.min(suffix, size);
      return new Slice(size - length, length, size);
    }
    if (first >= size) {
      return null;
    }
    long end = last < 0 ? size - 1 : Math.min(last, size - 1);
    return new Slice(first, end - first + 1, size);
  }

  private static long number(String digits) {
    if (digits.isEmpty() || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw new NumberFormatException(digits);
    }
    return Long.parseLong(digits); // over 19 digits: NumberFormatException, the Range is ignored
  }
}
