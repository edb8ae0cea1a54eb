package dev.depot.files.control;

import dev.depot.problem.DepotException;
import dev.depot.problem.Problem;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The header fields of one multipart part (RFC 2046 §5.1.1 {@code MIME-part-headers}, RFC 5322 §2.2
 * field syntax). Names are case-insensitive. The block is read as UTF-8: browsers send file names as
 * raw UTF-8 (RFC 7578 §5.1.1, WHATWG HTML), and a byte sequence that is not UTF-8 becomes U+FFFD, which
 * no stored file name may hold. Folded lines (a line starting with a space or tab, RFC 5322 §2.2.3) are
 * unfolded by removing the CRLF.
 */
final class PartHeaders {

  private final List<String[]> fields; // {lower-case name, value}

  private PartHeaders(List<String[]> fields) {
    this.fields = fields;
  }

  /**
   * Parses a header block: lines ending in CRLF, the last of them empty.
   *
   * @throws DepotException MALFORMED_MULTIPART for a line that is not {@code name: value}
   */
  static PartHeaders parse(byte[] block, int length) {
    String text = new String(block, 0, length, StandardCharsets.UTF_8);
    List<String[]> fields = new ArrayList<>();
    StringBuilder field = null;
    int start = 0;
    while (true) {
      int end = text.indexOf("\r\n", start);
      if (end < 0) {
        throw new IllegalArgumentException("a header block ends with an empty line");
      }
      String line = text.substring(start, end);
      start = end + 2;
      if (!line.isEmpty() && (line.charAt(0) == ' ' || line.charAt(0) == '\t')) {
        if (field == null) {
          throw malformed("A part's headers start with a continuation line.");
        }
        field.append(line);
        continue;
      }
      if (field != null) {
        fields.add(split(field));
      }
      if (line.isEmpty()) {
        return new PartHeaders(fields);
      }
      field = new StringBuilder(line);
    }
  }

  private static String[] split(CharSequence field) {
    String line = field.toString();
    int colon = line.indexOf(':');
    String name = colon < 0 ? "" : line.substring(0, colon).strip();
    if (name.isEmpty()) {
      throw malformed("A part has a header line that is not 'Name: value'.");
    }
    return new String[] {name.toLowerCase(Locale.ROOT), line.substring(colon + 1).strip()};
  }

  /** The value of a field that may occur once, or null if absent; a second one is malformed. */
  String single(String name) {
    String found = null;
    for (String[] f : fields) {
      if (f[0].equalsIgnoreCase(name)) {
        if (found != null) {
          throw malformed("A part has more than one " + name + " header.");
        }
        found = f[1];
      }
    }
    return found;
  }

  /**
   * All values of a list-valued field joined with {@code ", "} (RFC 9110 §5.3: that is what several
   * lines of one field mean), or null if absent. For the digest dictionaries: every digest sent is
   * checked, none is silently dropped.
   */
  String joined(String name) {
    String joined = null;
    for (String[] f : fields) {
      if (f[0].equalsIgnoreCase(name)) {
        joined = joined == null ? f[1] : joined + ", " + f[1];
      }
    }
    return joined;
  }

  private static DepotException malformed(String detail) {
    return new DepotException(Problem.MALFORMED_MULTIPART, detail);
  }
}
