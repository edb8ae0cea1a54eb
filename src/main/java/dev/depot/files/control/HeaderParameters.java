package dev.depot.files.control;

import dev.depot.problem.DepotException;
import dev.depot.problem.Problem;
import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A header value of the form {@code value *( ";" name "=" ( token / quoted-string ) )}: a request's
 * {@code Content-Type} (RFC 9110 §8.3.1) and a part's {@code Content-Disposition} (RFC 2183, RFC 7578
 * §4.2, RFC 6266 §4.1). Parameter names are case-insensitive. A quoted-string's backslash escapes
 * ({@code quoted-pair}, RFC 9110 §5.6.4) are undone before {@code "} and {@code \} only: browsers send
 * file names with raw backslashes ({@code C:\dir\a.txt}; the WHATWG HTML form encoding escapes only
 * {@code "}, CR and LF, as {@code %22}, {@code %0D}, {@code %0A}), so a backslash before anything else
 * is kept. Percent-escapes in plain values are not undone: browsers do not escape {@code %} itself.
 *
 * <p>A parameter {@code name*} carries an RFC 8187 (formerly RFC 5987 / RFC 2231 §4) extended value,
 * {@code charset'language'percent-encoded}, and wins over a plain {@code name} (RFC 6266 §4.3); UTF-8
 * and ISO-8859-1 are understood, any other charset leaves the plain value. RFC 2231 continuations
 * ({@code name*0}) are not joined (RFC 6266 §4.3 does not carry them into HTTP); they are just
 * parameters Depot does not know. A parameter given twice is malformed (RFC 6266 §4.1): two parsers
 * reading the same header must not pick different values.
 */
final class HeaderParameters {

  private final String value;
  private final Map<String, String> plain;
  private final Map<String, String> extended;

  private HeaderParameters(String value, Map<String, String> plain, Map<String, String> extended) {
    this.value = value;
    this.plain = plain;
    this.extended = extended;
  }

  /** The value before the first {@code ;}, trimmed, e.g. {@code form-data}. */
  String value() {
    return value;
  }

  /** A parameter's value (the extended {@code name*} form if there is a usable one), or null. */
  String get(String name) {
    String key = name.toLowerCase(Locale.ROOT);
    String ext = extended.get(key);
    return ext != null ? ext : plain.get(key);
  }

  /**
   * Parses a header value.
   *
   * @param what the header's name, for the client's error message
   * @throws DepotException MALFORMED_MULTIPART if the parameters do not parse
   */
  static HeaderParameters parse(String header, String what) {
    return new Parser(header, what).parse();
  }

  private static final class Parser {
    private final String s;
    private final String what;
    private int pos;

    Parser(String s, String what) {
      this.s = s;
      this.what = what;
    }

    HeaderParameters parse() {
      int semicolon = s.indexOf(';');
      String value = (semicolon < 0 ? s : s.substring(0, semicolon)).strip();
      pos = semicolon < 0 ? s.length() : semicolon;
      Map<String, String> plain = new HashMap<>();
      Map<String, String> extended = new HashMap<>();
      Set<String> seen = new HashSet<>();
      while (skipSpace() && s.charAt(pos) == ';') {
        pos++;
        if (!skipSpace()) {
          break; // a trailing ";" is harmless
        }
        int eq = s.indexOf('=', pos);
        if (eq < 0) {
          throw malformed("has a parameter without a value");
        }
        String name = s.substring(pos, eq).strip().toLowerCase(Locale.ROOT);
        if (name.isEmpty() || name.indexOf(';') >= 0 || name.indexOf('"') >= 0) {
          throw malformed("has a parameter without a name");
        }
        pos = eq + 1;
        skipSpace();
        String raw = pos < s.length() && s.charAt(pos) == '"' ? quoted() : token();
        if (!seen.add(name)) {
          throw malformed("names the parameter '" + name + "' twice");
        }
        if (name.endsWith("*")) {
          String decoded = extendedValue(raw); // null for an unknown charset: the plain value stands
          if (decoded != null) {
            extended.put(name.substring(0, name.length() - 1), decoded);
          }
        } else {
          plain.put(name, raw);
        }
      }
      if (pos < s.length()) {
        throw malformed("has characters after a parameter value");
      }
      return new HeaderParameters(value, plain, extended);
    }

    /** Skips spaces and tabs; true if anything is left. */
    private boolean skipSpace() {
      while (pos < s.length() && (s.charAt(pos) == ' ' || s.charAt(pos) == '\t')) {
        pos++;
      }
      return pos < s.length();
    }

    private String token() {
      int end = s.indexOf(';', pos);
      end = end < 0 ? s.length() : end;
      String t = s.substring(pos, end).strip();
      if (t.indexOf('"') >= 0) {
        throw malformed("has a stray quote in a parameter value");
      }
      pos = end;
      return t;
    }

    private String quoted() {
      StringBuilder out = new StringBuilder();
      for (int i = pos + 1; i < s.length(); i++) {
        char c = s.charAt(i);
        if (c == '"') {
          pos = i + 1;
          return out.toString();
        }
        if (c == '\\' && i + 1 < s.length() && (s.charAt(i + 1) == '"' || s.charAt(i + 1) == '\\')) {
          c = s.charAt(++i);
        }
        out.append(c);
      }
      throw malformed("has an unterminated quoted string");
    }

    /** RFC 8187 §3.2: {@code charset "'" [ language ] "'" value-chars}; null for a charset Depot does not know. */
    private String extendedValue(String raw) {
      int first = raw.indexOf('\'');
      int second = first < 0 ? -1 : raw.indexOf('\'', first + 1);
      if (second < 0) {
        throw malformed("has an extended parameter that is not charset'language'value (RFC 8187)");
      }
      String charsetName = raw.substring(0, first);
      Charset charset;
      if (charsetName.equalsIgnoreCase("UTF-8")) {
        charset = StandardCharsets.UTF_8;
      } else if (charsetName.equalsIgnoreCase("ISO-8859-1")) {
        charset = StandardCharsets.ISO_8859_1;
      } else {
        return null;
      }
      ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
      for (int i = second + 1; i < raw.length(); i++) {
        char c = raw.charAt(i);
        if (c == '%') {
          int hi = i + 2 < raw.length() ? Character.digit(raw.charAt(i + 1), 16) : -1;
          int lo = hi < 0 ? -1 : Character.digit(raw.charAt(i + 2), 16);
          if (lo < 0) {
            throw malformed("has a bad percent-escape in an extended parameter (RFC 8187)");
          }
          bytes.write(hi << 4 | lo);
          i += 2;
        } else if (c > 0x20 && c < 0x7f) {
          bytes.write(c);
        } else {
          throw malformed("has a character an extended parameter may not hold (RFC 8187)");
        }
      }
      return bytes.toString(charset);
    }

    private DepotException malformed(String why) {
      return new DepotException(Problem.MALFORMED_MULTIPART, "The " + what + " header " + why + ".");
    }
  }
}
