package dev.depot.files.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depot.problem.DepotException;
import dev.depot.problem.Problem;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.commons.fileupload2.core.AbstractFileUpload;
import org.apache.commons.fileupload2.core.DiskFileItem;
import org.apache.commons.fileupload2.core.DiskFileItemFactory;
import org.apache.commons.fileupload2.core.FileItemHeaders;
import org.apache.commons.fileupload2.core.FileItemInputIterator;
import org.apache.commons.fileupload2.core.FileUploadSizeException;
import org.apache.commons.fileupload2.core.MultipartInput;
import org.junit.jupiter.api.Test;

/**
 * Depot's {@link MultipartReader} against an independent parser, commons-fileupload2 (test scope only),
 * on thousands of generated bodies (seeded, so a failure names the seed that reproduces it): random
 * boundaries of 1 to 70 characters (with the ones that need quoting), parts from empty to larger than
 * both parsers' buffers, content full of delimiter look-alikes ({@code \r}, {@code \r\n--}, a prefix of
 * the boundary, the boundary without its CRLF, a boundary with one character changed), fields and
 * files, preambles and epilogues, header names in any case, UTF-8 names, and bodies that are broken
 * on purpose (cut off, garbage after a boundary, a delimiter inside content, a header block over its
 * cap). Depot reads each body through random buffer sizes (down to twice the delimiter), a source
 * that hands out random amounts per read (down to one byte) and random read sizes, so delimiters fall
 * across refills everywhere. Part names, file names, headers, content length and SHA-256, and the kind
 * of failure (malformed, or over a limit) must agree.
 *
 * <p>The oracle is fileupload2's own parser driven part by part ({@link #oracle(Case)} says why not
 * its iterator), held to Depot's one extra rule: a body without parts is malformed.
 *
 * <p><b>Where the two disagree, and who is right.</b> Each case is pinned in
 * {@link #theParsersDisagreeOnlyWhereTheRfcsSideWithDepot}; where a generated body uses such a feature,
 * the oracle is given the equivalent body without it.
 *
 * <ul>
 *   <li>Transport padding (spaces or tabs before a boundary line's CRLF): RFC 2046 §5.1.1 says
 *       receivers MUST handle it; fileupload2 refuses it ("Unexpected characters follow a boundary").
 *       Generated with padding for Depot, without for the oracle.
 *   <li>{@code --boundary} inside a preamble line: RFC 2046 §5.1.1 lets a boundary line start only a
 *       line; fileupload2 takes the first {@code --boundary} anywhere in the preamble. Generated with
 *       such a line for Depot, without for the oracle.
 *   <li>{@code filename} and {@code filename*} together: RFC 6266 §4.3, the extended one wins;
 *       fileupload2 keeps whichever comes last. The oracle always gets {@code filename*} last.
 *   <li>A bare LF after a boundary: fileupload2 accepts it (an IE5 Mac workaround); it is no line end
 *       (RFC 2046 uses CRLF), Depot refuses it. Not generated.
 *   <li>Backslash escapes in quoted strings ({@code \"}): a quoted-pair (RFC 9110 §5.6.4, RFC 5322);
 *       fileupload2 keeps the backslash. Not generated.
 *   <li>RFC 2047 encoded words ({@code =?UTF-8?B?...?=}) in parameters: fileupload2 decodes them;
 *       RFC 2047 §5 forbids them inside quoted strings and parameters, Depot keeps the text as sent.
 *       Not generated ({@code =} is left out of generated names).
 *   <li>Parts without {@code Content-Disposition: form-data; name=...}: fileupload2 skips them; RFC
 *       7578 §4.2 requires both, Depot refuses the body rather than drop a part unseen. Not generated.
 *   <li>A header line without a colon: fileupload2 skips the line; it is no header field (RFC 5322
 *       §2.2), and Depot refuses the body rather than guess what the line meant. Not generated (the
 *       first run found it where a planted delimiter met an accidental one: a part started inside
 *       another part's content).
 * </ul>
 */
class MultipartReaderDifferentialTest {

  private static final long SEED = 0x1212_2026L;
  private static final int BODIES = 3000;

  /** RFC 2046 §5.1.1 {@code bcharsnospace}, and the space a boundary may hold but not end with. */
  private static final String BCHARS = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ'()+_,-./:=?";
  private static final String TCHARS = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ'+_-.";
  private static final String[] NAME_PIECES = {
    "a", "b", "Z", "0", "9", " ", "-", "_", ".", ";", ",", ":", "/", "(", ")", "[", "{", "'", "%", "%22", "&", "#",
    "\u00e9", "\u00fc", "\u65e5\u672c", "\ud83d\ude00", "\u00a0", "file", "name", "dir"
  };

  /** What one parser made of one body: the parts, or how it failed. */
  record Outcome(String failure, List<PartSeen> parts) {
    static Outcome failed(String kind) {
      return new Outcome(kind, List.of());
    }
  }

  /** One part as a parser saw it; headers are the generated ones, by lower-case name. */
  record PartSeen(String name, String filename, Map<String, String> headers, long size, String sha256) {}

  /** A generated body: as Depot gets it and as the oracle gets it (the same but for the listed disagreements). */
  record Case(
      String boundary, String contentType, byte[] depotBody, byte[] oracleBody, int maxHeaderSize, List<String> headerNames, long unread) {

    /** Whether part {@code i} is left unread (both parsers must then skip it). */
    boolean unread(int i) {
      return i < 64 && (unread >>> i & 1) != 0;
    }
  }

  @Test
  void depotAndFileupload2ReadTheSamePartsFromThousandsOfGeneratedBodies() throws IOException {
    SplittableRandom seeds = new SplittableRandom(SEED);
    int failures = 0;
    int parts = 0;
    long bytes = 0;
    for (int i = 0; i < BODIES; i++) {
      long seed = seeds.nextLong();
      SplittableRandom random = new SplittableRandom(seed);
      Case c = generate(random);
      Outcome oracle = oracle(c);
      Outcome depot = depot(c, random);
      int n = i;
      assertEquals(oracle, depot, () -> "body " + n + " (seed " + seed + "L, boundary \"" + c.boundary() + "\", "
          + c.depotBody().length + " bytes): " + describe(c.depotBody()));
      failures += depot.failure() == null ? 0 : 1;
      parts += depot.parts().size();
      bytes += c.depotBody().length;
    }
    // the generator must keep exercising both paths
    assertTrue(failures > BODIES / 20 && failures < BODIES / 3, failures + " of " + BODIES + " bodies failed");
    assertTrue(parts > 2 * BODIES, parts + " parts");
    assertTrue(bytes > 20L << 20, bytes + " bytes");
  }

  @Test
  void theParsersDisagreeOnlyWhereTheRfcsSideWithDepot() throws IOException {
    String b = "xyz";
    String part = "Content-Disposition: form-data; name=\"f\"; filename=\"a.txt\"\r\n\r\ncontent\r\n";
    String plain = "--" + b + "\r\n" + part + "--" + b + "--\r\n";
    Outcome both = new Outcome(null, List.of(new PartSeen("f", "a.txt", Map.of(), 7, sha256("content".getBytes(StandardCharsets.UTF_8)))));
    assertEquals(both, oracle(plain, b));
    assertEquals(both, depot(plain, b));

    String padded = "--" + b + " \t\r\n" + part + "--" + b + "--\r\n";
    assertEquals(both, depot(padded, b));
    assertEquals(Outcome.failed("MALFORMED"), oracle(padded, b));

    String preamble = "a preamble --" + b + " in mid-line\r\n" + plain;
    assertEquals(both, depot(preamble, b));
    assertEquals(Outcome.failed("MALFORMED"), oracle(preamble, b));

    String starFirst = plain.replace("filename=\"a.txt\"", "filename*=UTF-8''b.txt; filename=\"a.txt\"");
    assertEquals("b.txt", depot(starFirst, b).parts().get(0).filename());
    assertEquals("a.txt", oracle(starFirst, b).parts().get(0).filename());

    String bareLf = "--" + b + "\n" + part + "--" + b + "--\r\n";
    assertEquals(Outcome.failed("MALFORMED"), depot(bareLf, b));
    assertEquals(both, oracle(bareLf, b));

    String escaped = plain.replace("filename=\"a.txt\"", "filename=\"a\\\"b.txt\"");
    assertEquals("a\"b.txt", depot(escaped, b).parts().get(0).filename());
    assertEquals("a\\\"b.txt", oracle(escaped, b).parts().get(0).filename());

    String encodedWord = plain.replace("filename=\"a.txt\"", "filename=\"=?UTF-8?B?w6kudHh0?=\"");
    assertEquals("=?UTF-8?B?w6kudHh0?=", depot(encodedWord, b).parts().get(0).filename());
    assertEquals("\u00e9.txt", oracle(encodedWord, b).parts().get(0).filename());

    String noColon = "--" + b + "\r\nX-Note no colon\r\n" + part + "--" + b + "--\r\n";
    assertEquals(Outcome.failed("MALFORMED"), depot(noColon, b));
    assertEquals(both, oracle(noColon, b));

    String undisposed = "--" + b + "\r\nContent-Type: text/plain\r\n\r\nlost\r\n--" + b + "\r\n" + part + "--" + b + "--\r\n";
    assertEquals(Outcome.failed("MALFORMED"), depot(undisposed, b));
    assertEquals(both, oracle(undisposed, b));
  }

  // ---------------------------------------------------------------- the generator

  private static Case generate(SplittableRandom r) {
    String boundary = boundary(r);
    byte[] dash = ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
    Body body = new Body();
    int maxHeaderSize = r.nextInt(10) == 0 ? 60 + r.nextInt(200) : 8192;
    List<String> headerNames = new ArrayList<>(List.of("content-type", "content-md5", "content-digest", "repr-digest", "x-extra"));

    if (r.nextInt(4) == 0) {
      byte[] preamble = text(r, r.nextInt(300), dash);
      body.both(preamble);
      if (r.nextInt(4) == 0) {
        body.depotOnly(("x" + "--" + boundary + " mid-line").getBytes(StandardCharsets.ISO_8859_1)); // not a boundary line
      }
      body.both("\r\n");
    }
    int parts = 1 + r.nextInt(r.nextInt(8) == 0 ? 12 : 4);
    for (int p = 0; p < parts; p++) {
      boundaryLine(body, r, dash);
      body.both(CRLF);
      headers(body, r);
      body.both(content(r, boundary));
      body.both(CRLF);
    }
    body.both(dash);
    body.both("--");
    if (r.nextInt(5) == 0) {
      body.depotOnly(padding(r));
    }
    if (r.nextInt(3) == 0) {
      body.both(CRLF);
      body.both(r.nextBoolean() ? text(r, r.nextInt(200), new byte[0]) : ("--" + boundary + "\r\ngarbage").getBytes(StandardCharsets.ISO_8859_1));
    } else if (r.nextBoolean()) {
      body.both(CRLF);
    }

    String contentType = contentType(r, boundary);
    long unread = 0;
    for (int i = 0; i < 64; i++) {
      unread |= r.nextInt(10) == 0 ? 1L << i : 0;
    }
    Case c = new Case(boundary, contentType, body.depot.toByteArray(), body.oracle.toByteArray(), maxHeaderSize, headerNames, unread);
    return r.nextInt(14) == 0 ? truncated(c, r) : c;
  }

  /** Writes the two variants of a body side by side. */
  private static final class Body {
    final ByteArrayOutputStream depot = new ByteArrayOutputStream();
    final ByteArrayOutputStream oracle = new ByteArrayOutputStream();

    void both(byte[] b) {
      depot.writeBytes(b);
      oracle.writeBytes(b);
    }

    void both(String s) {
      both(s.getBytes(StandardCharsets.UTF_8));
    }

    void depotOnly(byte[] b) {
      depot.writeBytes(b);
    }
  }

  private static final byte[] CRLF = {'\r', '\n'};

  private static String boundary(SplittableRandom r) {
    int length = switch (r.nextInt(4)) {
      case 0 -> 1 + r.nextInt(4);
      case 1 -> 60 + r.nextInt(11);
      default -> 1 + r.nextInt(70);
    };
    StringBuilder b = new StringBuilder();
    String alphabet = r.nextInt(3) == 0 ? "-ab" : BCHARS; // few distinct characters: a worst case for the skip table
    for (int i = 0; i < length; i++) {
      b.append(i < length - 1 && r.nextInt(12) == 0 ? ' ' : alphabet.charAt(r.nextInt(alphabet.length())));
    }
    return b.toString();
  }

  private static String contentType(SplittableRandom r, String boundary) {
    boolean token = boundary.chars().allMatch(c -> TCHARS.indexOf(c) >= 0);
    String value = token && r.nextBoolean() ? boundary : "\"" + boundary + "\"";
    String name = r.nextBoolean() ? "boundary" : "BOUNDARY";
    return switch (r.nextInt(3)) {
      case 0 -> "multipart/form-data; " + name + "=" + value;
      case 1 -> "Multipart/Form-Data;" + name + "=" + value;
      default -> "multipart/form-data; charset=UTF-8; " + name + "=" + value;
    };
  }

  /** {@code --boundary}, sometimes with transport padding that only Depot is given. */
  private static void boundaryLine(Body body, SplittableRandom r, byte[] dash) {
    body.both(dash);
    if (r.nextInt(10) == 0) {
      body.depotOnly(padding(r));
    }
  }

  private static byte[] padding(SplittableRandom r) {
    byte[] pad = new byte[1 + r.nextInt(4)];
    for (int i = 0; i < pad.length; i++) {
      pad[i] = (byte) (r.nextBoolean() ? ' ' : '\t');
    }
    return pad;
  }

  private static void headers(Body body, SplittableRandom r) {
    String name = name(r);
    StringBuilder disposition = new StringBuilder(r.nextBoolean() ? "form-data" : "Form-Data");
    disposition.append(sep(r)).append(r.nextBoolean() ? "name" : "Name").append(eq(r)).append(quote(r, name));
    String depotExtra = "";
    String oracleExtra = "";
    int kind = r.nextInt(10);
    if (kind >= 3) { // a file part
      String filename = (r.nextInt(8) == 0 ? "C:\\Users\\x\\" : "") + name(r) + (r.nextBoolean() ? ".bin" : "");
      if (r.nextInt(8) == 0) {
        String star = "filename*=UTF-8''" + percent(name(r));
        String plain = "filename" + eq(r) + quote(r, filename);
        // RFC 6266 §4.3: filename* wins wherever it stands; fileupload2 takes the later one
        depotExtra = r.nextBoolean() ? sep(r) + star + sep(r) + plain : sep(r) + plain + sep(r) + star;
        oracleExtra = sep(r) + plain + sep(r) + star;
      } else {
        depotExtra = oracleExtra = sep(r) + (r.nextBoolean() ? "filename" : "FILENAME") + eq(r) + quote(r, filename);
      }
    } else if (kind == 2) {
      depotExtra = oracleExtra = "; filename=\"\""; // an empty file input: a field
    }
    List<String[]> lines = new ArrayList<>();
    lines.add(new String[] {"Content-Disposition", disposition + depotExtra, disposition + oracleExtra});
    if (r.nextBoolean()) {
      String type = r.nextBoolean() ? "application/octet-stream" : "text/plain; charset=\"utf-8\"";
      lines.add(new String[] {"Content-Type", type, type});
    }
    if (r.nextInt(6) == 0) {
      String digest = "sha-256=:" + HexFormat.of().toHexDigits(r.nextLong()) + ":";
      String header = List.of("Content-MD5", "Content-Digest", "Repr-Digest").get(r.nextInt(3));
      lines.add(new String[] {header, digest, digest});
    }
    if (r.nextInt(5) == 0) {
      String v = name(r);
      lines.add(new String[] {"X-Extra", v, v});
    }
    for (int i = lines.size() - 1; i > 0; i--) { // any order
      int j = r.nextInt(i + 1);
      String[] t = lines.get(i);
      lines.set(i, lines.get(j));
      lines.set(j, t);
    }
    if (r.nextInt(15) == 0) {
      lines.add(new String[] {"X-Pad", "p".repeat(100 + r.nextInt(400)), null}); // may go over a small cap
    }
    for (String[] line : lines) {
      String headerName = caseOf(r, line[0]);
      String colon = List.of(": ", ":", " :  ", ":\t").get(r.nextInt(4));
      byte[] depotLine = (headerName + colon + line[1] + "\r\n").getBytes(StandardCharsets.UTF_8);
      if (line[2] == null || line[1].equals(line[2])) {
        body.both(depotLine);
      } else {
        body.depotOnly(depotLine);
        body.oracle.writeBytes((headerName + colon + line[2] + "\r\n").getBytes(StandardCharsets.UTF_8));
      }
    }
    body.both(CRLF);
  }

  private static String caseOf(SplittableRandom r, String name) {
    return switch (r.nextInt(3)) {
      case 0 -> name.toLowerCase(Locale.ROOT);
      case 1 -> name.toUpperCase(Locale.ROOT);
      default -> name;
    };
  }

  private static String sep(SplittableRandom r) {
    return List.of("; ", ";", " ; ", ";\t").get(r.nextInt(4));
  }

  private static String eq(SplittableRandom r) {
    return r.nextInt(5) == 0 ? " = " : "=";
  }

  /** Quoted like a browser (WHATWG: {@code "} as %22; no backslash escapes); a plain token when it is one. */
  private static String quote(SplittableRandom r, String value) {
    boolean token = !value.isEmpty() && value.chars().allMatch(c -> TCHARS.indexOf(c) >= 0);
    return token && r.nextBoolean() ? value : "\"" + value + "\"";
  }

  private static String name(SplittableRandom r) {
    StringBuilder n = new StringBuilder();
    int pieces = 1 + r.nextInt(6);
    for (int i = 0; i < pieces; i++) {
      n.append(NAME_PIECES[r.nextInt(NAME_PIECES.length)]);
    }
    return n.toString().strip().isEmpty() ? "x" : n.toString().strip();
  }

  private static String percent(String s) {
    StringBuilder out = new StringBuilder();
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if (Character.isLetterOrDigit(c) && c < 0x80 || c == '.' || c == '-' || c == '_') {
        out.append((char) c);
      } else {
        out.append('%').append(HexFormat.of().withUpperCase().toHexDigits((byte) c));
      }
    }
    return out.toString();
  }

  /** Random bytes, or text, without {@code avoid} in them (a preamble must not hold the boundary). */
  private static byte[] text(SplittableRandom r, int length, byte[] avoid) {
    while (true) {
      byte[] t = new byte[length];
      for (int i = 0; i < length; i++) {
        t[i] = (byte) (r.nextInt(10) == 0 ? "\r\n-".charAt(r.nextInt(3)) : 0x20 + r.nextInt(0x5f));
      }
      if (avoid.length == 0 || indexOf(t, avoid) < 0) {
        return t;
      }
      length = Math.max(0, length - 1);
    }
  }

  /** A part's content: sizes around both parsers' buffers, and delimiter look-alikes everywhere. */
  private static byte[] content(SplittableRandom r, String boundary) {
    int size = switch (r.nextInt(80)) {
      case 0, 1 -> (256 << 10) - 300 + r.nextInt(600); // Depot's buffer
      case 2 -> r.nextInt(600 << 10);
      case 3, 4, 5, 6, 7, 8, 9, 10 -> 4096 - 100 + r.nextInt(200); // fileupload2's buffer
      case 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22 -> r.nextInt(5000);
      default -> r.nextInt(r.nextBoolean() ? 8 : 100);
    };
    byte[] content = new byte[size];
    if (r.nextInt(6) == 0) {
      byte fill = (byte) "\r\n-".charAt(r.nextInt(3));
      java.util.Arrays.fill(content, fill);
    } else {
      for (int i = 0; i < size; i += 8) {
        long v = r.nextLong();
        for (int j = i; j < Math.min(size, i + 8); j++, v >>>= 8) {
          content[j] = (byte) v;
        }
      }
    }
    byte[] delimiter = ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
    int traps = size == 0 ? 0 : r.nextInt(1 + Math.min(40, size / 4));
    for (int t = 0; t < traps; t++) {
      byte[] trap = trap(r, boundary);
      int at = r.nextInt(4) == 0 ? Math.max(0, size - trap.length) : r.nextInt(size); // often right before the delimiter
      System.arraycopy(trap, 0, content, at, Math.min(trap.length, size - at));
    }
    for (int at; (at = indexOf(content, delimiter)) >= 0; ) {
      content[at] = 'X'; // an accidental delimiter would make the body another one
    }
    byte[] bad = ("\r\n--" + boundary + List.of("x", "-x", "--").get(r.nextInt(3))).getBytes(StandardCharsets.ISO_8859_1);
    if (r.nextInt(40) == 0 && size >= bad.length) { // on purpose: a delimiter in content, then garbage or a close
      System.arraycopy(bad, 0, content, r.nextInt(size - bad.length + 1), bad.length);
    }
    return content;
  }

  private static byte[] trap(SplittableRandom r, String b) {
    String s = switch (r.nextInt(12)) {
      case 0 -> "\r";
      case 1 -> "\r\n";
      case 2 -> "\r\n-";
      case 3 -> "\r\n--";
      case 4 -> "\r\n--" + b.substring(0, r.nextInt(b.length()));
      case 5 -> "--" + b;
      case 6 -> "\n--" + b;
      case 7 -> "\r--" + b;
      case 8 -> "\r\n-" + b;
      case 9 -> {
        char[] c = ("\r\n--" + b).toCharArray();
        int i = 4 + r.nextInt(b.length());
        c[i] = c[i] == 'Q' ? 'R' : 'Q';
        yield new String(c);
      }
      case 10 -> "\r\r\n\n--" + b;
      default -> "\r\n--" + b.substring(0, r.nextInt(b.length())) + "\r\n--" + b.substring(0, r.nextInt(b.length()));
    };
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  /** The body cut off somewhere; both variants at the same place in the parts (the oracle's has no padding). */
  private static Case truncated(Case c, SplittableRandom r) {
    int cut = r.nextInt(c.depotBody().length);
    int oracleCut = cut - (c.depotBody().length - c.oracleBody().length);
    if (!java.util.Arrays.equals(c.depotBody(), c.oracleBody()) || oracleCut < 0) {
      return c; // padded or preamble-marked bodies are not cut: the two cuts would not match
    }
    return new Case(c.boundary(), c.contentType(), java.util.Arrays.copyOf(c.depotBody(), cut),
        java.util.Arrays.copyOf(c.oracleBody(), cut), c.maxHeaderSize(), c.headerNames(), c.unread());
  }

  // ---------------------------------------------------------------- the two parsers

  private static Outcome depot(Case c, SplittableRandom r) throws IOException {
    int delimiter = 4 + c.boundary().length();
    int buffer = switch (r.nextInt(3)) {
      case 0 -> MultipartReader.BUFFER_SIZE;
      case 1 -> 2 * delimiter + r.nextInt(300);
      default -> 4096 + r.nextInt(70000);
    };
    boolean small = c.depotBody().length < 64 << 10; // byte by byte only where that stays quick
    int maxChunk = switch (r.nextInt(3)) {
      case 0 -> Integer.MAX_VALUE;
      case 1 -> small ? 1 + r.nextInt(7) : 1 + r.nextInt(300);
      default -> 1 + r.nextInt(5000);
    };
    int readSize = switch (r.nextInt(4)) {
      case 0 -> small ? 1 : 4096;
      case 1 -> 1 + r.nextInt(100);
      default -> 256 << 10;
    };
    InputStream source = new Choppy(c.depotBody(), maxChunk, r.split());
    try {
      MultipartReader reader = MultipartReader.open(source, c.contentType(), c.maxHeaderSize(), buffer);
      List<PartSeen> parts = new ArrayList<>();
      for (FormPart p = reader.next(); p != null; p = reader.next()) {
        Map<String, String> headers = new LinkedHashMap<>();
        for (String h : c.headerNames()) {
          headers.put(h, p.headers().single(h));
        }
        if (c.unread(parts.size())) { // left (almost) unread: next() skips the rest
          p.content().read();
          parts.add(new PartSeen(p.name(), p.filename(), headers, -1, null));
          continue;
        }
        parts.add(seen(p.name(), p.filename(), headers, p.content(), readSize));
      }
      // MultipartUploads refuses a body without parts; the oracle is held to the same rule
      return parts.isEmpty() ? Outcome.failed("MALFORMED") : new Outcome(null, parts);
    } catch (DepotException e) {
      return Outcome.failed(e.is(Problem.MULTIPART_LIMIT) ? "LIMIT" : "MALFORMED");
    }
  }

  /**
   * fileupload2's parser: its {@link MultipartInput} (KMP search for the delimiter, boundary lines,
   * header blocks) and its header and parameter parsing, driven part by part as fileupload 1.x's
   * iterator drove them. Not its 2.0.0-M5 iterator: that one never leaves its preamble mode
   * ({@code FileItemInputIteratorImpl.skipPreamble} is set and never cleared), so after every part it
   * looks for the next {@code --boundary} anywhere and takes a malformed boundary line, or a body cut
   * off after one, as the end of the body without an error. (That is why Depot's former parser needed
   * a check that the body ended with its close delimiter, and even so it accepted a body with garbage
   * after a boundary line in mid-body, dropping the parts after it, if the close delimiter followed.)
   */
  private static Outcome oracle(Case c) throws IOException {
    Oracle upload = new Oracle();
    byte[] boundary = upload.getBoundary(c.contentType());
    try {
      MultipartInput multi = MultipartInput.builder()
          .setInputStream(new ByteArrayInputStream(c.oracleBody()))
          .setBoundary(boundary)
          .setMaxPartHeaderSize(c.maxHeaderSize())
          .get();
      multi.setHeaderCharset(StandardCharsets.UTF_8);
      List<PartSeen> parts = new ArrayList<>();
      for (boolean more = multi.skipPreamble(); more; more = multi.readBoundary()) {
        FileItemHeaders fields = upload.getParsedHeaders(multi.readHeaders());
        String name = upload.getFieldName(fields);
        if (name == null) {
          multi.discardBodyData(); // fileupload2 skips a part that is not form-data with a name
          continue;
        }
        Map<String, String> headers = new LinkedHashMap<>();
        for (String h : c.headerNames()) {
          headers.put(h, fields.getHeader(h));
        }
        try (InputStream content = multi.newInputStream()) {
          if (c.unread(parts.size())) {
            content.read();
            parts.add(new PartSeen(name, upload.getFileName(fields), headers, -1, null));
          } else {
            parts.add(seen(name, upload.getFileName(fields), headers, content, 8192));
          }
        }
      }
      return parts.isEmpty() ? Outcome.failed("MALFORMED") : new Outcome(null, parts);
    } catch (FileUploadSizeException e) {
      return Outcome.failed("LIMIT");
    } catch (IOException | IllegalArgumentException e) {
      return Outcome.failed("MALFORMED"); // fileupload2's parse errors are IOExceptions
    }
  }

  /** Reads a part's content to its end, {@code readSize} bytes at a time. */
  private static PartSeen seen(String name, String filename, Map<String, String> headers, InputStream content, int readSize)
      throws IOException {
    MessageDigest sha = sha256();
    byte[] buffer = new byte[readSize];
    long size = 0;
    for (int n; (n = content.read(buffer, 0, readSize)) >= 0; ) {
      sha.update(buffer, 0, n);
      size += n;
    }
    return new PartSeen(name, filename, headers, size, HexFormat.of().formatHex(sha.digest()));
  }

  private static Outcome depot(String body, String boundary) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    return depot(new Case(boundary, "multipart/form-data; boundary=" + boundary, bytes, bytes, 8192, List.of(), 0), new SplittableRandom(1));
  }

  private static Outcome oracle(String body, String boundary) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    return oracle(new Case(boundary, "multipart/form-data; boundary=" + boundary, bytes, bytes, 8192, List.of(), 0));
  }

  private static String sha256(byte[] b) {
    return HexFormat.of().formatHex(sha256().digest(b));
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  private static String describe(byte[] body) {
    String s = new String(body, 0, Math.min(body.length, 600), StandardCharsets.ISO_8859_1)
        .replace("\r", "\\r").replace("\n", "\\n\n");
    return s.replaceAll("[^\\x20-\\x7e\\n]", "?");
  }

  /** A source that hands out at most {@code max} bytes per read, a random amount each time. */
  private static final class Choppy extends ByteArrayInputStream {
    private final int max;
    private final SplittableRandom r;

    Choppy(byte[] body, int max, SplittableRandom r) {
      super(body);
      this.max = max;
      this.r = r;
    }

    @Override
    public synchronized int read(byte[] b, int off, int len) {
      return super.read(b, off, max == Integer.MAX_VALUE ? len : Math.min(len, 1 + r.nextInt(max)));
    }
  }

  /** fileupload2's boundary, header and parameter parsing; its request-level methods are not used. */
  private static final class Oracle extends AbstractFileUpload<Object, DiskFileItem, DiskFileItemFactory> {
    @Override
    public FileItemInputIterator getItemIterator(Object request) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Map<String, List<DiskFileItem>> parseParameterMap(Object request) {
      throw new UnsupportedOperationException();
    }

    @Override
    public List<DiskFileItem> parseRequest(Object request) {
      throw new UnsupportedOperationException();
    }
  }
}
