package dev.depot.files.boundary;

import java.nio.charset.StandardCharsets;

/**
 * A {@code Content-Disposition: attachment} field for a download (RFC 6266), naming the file by the
 * last segment of its path: a quoted ASCII fallback in which anything unsafe is replaced by {@code _},
 * and the exact name as {@code filename*=UTF-8''…} (RFC 8187, formerly 5987), which clients that know
 * it prefer. Attachment rather than inline: Depot serves content uploaded by anyone, and a browser
 * should not render it as a page of Depot's origin.
 */
final class ContentDisposition {

  /** RFC 8187 attr-char, beside ALPHA and DIGIT. */
  private static final String ATTR_CHAR_PUNCTUATION = "!#$&+-.^_`|~";

  private ContentDisposition() {}

  static String attachment(String path) {
    String name = path.substring(path.lastIndexOf('/') + 1);
    return "attachment; filename=\"" + asciiFallback(name) + "\"; filename*=UTF-8''" + extValue(name);
  }

  /** Printable ASCII except quote, backslash and percent (which some clients decode); rest is {@code _}. */
  static String asciiFallback(String name) {
    StringBuilder out = new StringBuilder(name.length());
    name.codePoints()
        .forEach(cp -> out.append(cp >= 0x20 && cp < 0x7f && cp != '"' && cp != '\\' && cp != '%' ? (char) cp : '_'));
    return out.toString();
  }

  /** Percent-encodes the UTF-8 bytes of {@code name} that are not attr-chars. */
  static String extValue(String name) {
    StringBuilder out = new StringBuilder();
    for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || ATTR_CHAR_PUNCTUATION.indexOf(c) >= 0) {
        out.append((char) c);
      } else {
        out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16))).append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      }
    }
    return out.toString();
  }
}
