package dev.depot.files.control;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depot.problem.DepotException;
import dev.depot.problem.Problem;
import dev.depot.problem.Problems;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * The RFC rules {@link MultipartReader} implements, one by one, including those where it deliberately
 * differs from fileupload2 (see {@code MultipartReaderDifferentialTest} for the randomised comparison).
 */
class MultipartReaderTest {

  private static final String B = "b0undary";
  private static final String CT = "multipart/form-data; boundary=" + B;

  /** One part as read: name, filename, content. */
  private record Read(String name, String filename, String content) {}

  @Test
  void preambleAndEpilogueAreIgnoredAndABoundaryInsideAPreambleLineIsNotOne() throws IOException {
    String body = "This is a preamble, --" + B + " in mid-line is just text\r\n"
        + "--" + B + "\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\none\r\n"
        + "--" + B + "--\r\nThis is the epilogue\r\n--" + B + "\r\nnot a part";

    assertEquals(List.of(new Read("a", null, "one")), readAll(body, CT));
  }

  @Test
  void theFirstBoundaryMayStartTheBodyOrFollowAnEmptyPreamble() throws IOException {
    String parts = "--" + B + "\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\none\r\n--" + B + "--";
    assertEquals(List.of(new Read("a", null, "one")), readAll(parts, CT));
    assertEquals(List.of(new Read("a", null, "one")), readAll("\r\n" + parts, CT));
  }

  @Test
  void transportPaddingAfterABoundaryIsAllowed() throws IOException {
    // RFC 2046 §5.1.1: receivers MUST handle linear whitespace before a boundary line's CRLF.
    String body = "--" + B + " \t \r\nContent-Disposition: form-data; name=\"a\"\r\n\r\none\r\n"
        + "--" + B + "\t\r\nContent-Disposition: form-data; name=\"b\"\r\n\r\ntwo\r\n--" + B + "--  \r\n";

    assertEquals(List.of(new Read("a", null, "one"), new Read("b", null, "two")), readAll(body, CT));
  }

  @Test
  void aBoundaryFollowedByAnythingButPaddingAndCrlfOrTwoDashesIsMalformed() {
    String part = "Content-Disposition: form-data; name=\"a\"\r\n\r\none\r\n";
    assertProblem(Problem.MALFORMED_MULTIPART, () -> readAll("--" + B + "x\r\n" + part + "--" + B + "--", CT));
    assertProblem(Problem.MALFORMED_MULTIPART, () -> readAll("--" + B + "\r\n" + part + "--" + B + "-x", CT));
    // a bare LF is no line end (fileupload2 accepts one, for an IE5 Mac bug)
    assertProblem(Problem.MALFORMED_MULTIPART, () -> readAll("--" + B + "\n" + part + "--" + B + "--", CT));
    // RFC 2046 §5.1.1: a delimiter is a delimiter even if more characters follow it on its line
    assertProblem(Problem.MALFORMED_MULTIPART,
        () -> readAll("--" + B + "\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\none\r\n--" + B + "more\r\n--" + B + "--", CT));
  }

  @Test
  void contentEndsExactlyAtTheDelimiterWhateverPrecedesIt() throws IOException {
    for (String content : List.of("", "\r", "\r\n", "\r\n-", "\r\n--", "\r\n--" + B.substring(0, 7), "--" + B, "\n--" + B, "\r--" + B,
        "x\r\n--" + B.substring(0, 3) + "X" + B.substring(4))) {
      String body = "--" + B + "\r\nContent-Disposition: form-data; name=\"f\"; filename=\"f.bin\"\r\n\r\n" + content + "\r\n--" + B + "--";
      for (int buffer : new int[] {1, 40, 256 << 10}) {
        assertEquals(List.of(new Read("f", "f.bin", content)), readAll(body, CT, buffer, 1), content + " with buffer " + buffer);
      }
    }
  }

  @Test
  void aBodyThatEndsBeforeItsCloseDelimiterIsMalformed() {
    String body = "--" + B + "\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\none\r\n--" + B + "--";
    for (int cut = 0; cut < body.length(); cut++) {
      String truncated = body.substring(0, cut);
      assertProblem(Problem.MALFORMED_MULTIPART, () -> readAll(truncated, CT), "cut at " + cut);
    }
  }

  @Test
  void aPartStreamReportsItsEndOnlyOnceItsDelimiterLineIsComplete() throws IOException {
    // The part's bytes and its delimiter arrived, but not what must follow the delimiter: the part is
    // not whole (a client cut off there would otherwise get a stored file it never finished sending).
    String body = "--" + B + "\r\nContent-Disposition: form-data; name=\"f\"; filename=\"f\"\r\n\r\ncontent\r\n--" + B;
    FormPart part = reader(body, CT).next();
    assertProblem(Problem.MALFORMED_MULTIPART, () -> part.content().readAllBytes());
  }

  @Test
  void noBoundaryLineOrOnlyTheCloseDelimiterMeansNoParts() throws IOException {
    assertProblem(Problem.MALFORMED_MULTIPART, () -> readAll("", CT));
    assertProblem(Problem.MALFORMED_MULTIPART, () -> readAll("garbage\r\n\r\n", CT));
    assertEquals(List.of(), readAll("--" + B + "--\r\n", CT));
  }

  @Test
  void theBoundaryComesFromAMultipartFormDataContentTypeQuotedOrNot() throws IOException {
    String b = "a'()+_,-./:=? z";
    String body = "--" + b + "\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\none\r\n--" + b + "--";
    assertEquals(1, readAll(body, "Multipart/Form-Data ; charset=utf-8;BOUNDARY=\"" + b + "\"").size());
    assertEquals(1, readAll(body.replace(b, "x"), "multipart/form-data;boundary=x").size());
    assertEquals(1, readAll(body.replace(b, "x".repeat(70)), "multipart/form-data;boundary=" + "x".repeat(70)).size());

    for (String bad : List.of("multipart/form-data", "multipart/form-data; boundary=", "multipart/form-data; boundary=\"\"",
        "multipart/form-data; boundary=" + "x".repeat(71), "multipart/form-data; boundary=\"x \"", "multipart/mixed; boundary=x",
        "text/plain; boundary=x", "multipart/form-data; boundary=\"x", "multipart/form-data; boundary=x; boundary=y",
        "multipart/form-data; boundary=\"a\u00e9\"")) {
      assertProblem(Problem.MALFORMED_MULTIPART, () -> readAll(body, bad), bad);
    }
    assertProblem(Problem.MALFORMED_MULTIPART, () -> readAll(body, null));
  }

  @Test
  void parametersAreQuotedOrTokensAndQuotedPairsEscapeOnlyQuoteAndBackslash() throws IOException {
    assertEquals(new Read("n", "a\"b\\c", ""), one("form-data; name=n; filename=\"a\\\"b\\\\c\""));
    // raw backslashes, as browsers send a client path; StoragePaths.baseName later keeps the last segment
    assertEquals(new Read("n", "C:\\dir\\a.txt", ""), one("form-data; name=\"n\"; filename=\"C:\\dir\\a.txt\""));
    assertEquals(new Read("n; x", "a b.txt", ""), one("FORM-DATA ; NAME = \"n; x\" ;FileName= a b.txt ;"));
    assertEquals(new Read("n", "100%25.txt", ""), one("form-data; name=n; filename=\"100%25.txt\""));
    assertEquals(new Read("n", "", ""), one("form-data; name=n; filename=\"\""));
    for (String bad : List.of("form-data; name=\"n", "form-data; name=n; name=m", "form-data; name=\"n\"x", "form-data; name",
        "form-data; name=a\"b", "form-data; =x; name=n", "attachment; name=n", "form-data; filename=f", "form-data")) {
      assertProblem(Problem.MALFORMED_MULTIPART, () -> one(bad), bad);
    }
  }

  @Test
  void filenameStarWinsOverFilenameInEitherOrder() throws IOException {
    assertEquals("na\u00efve \u2713.txt", one("form-data; name=n; filename=\"naive.txt\"; filename*=UTF-8''na%C3%AFve%20%E2%9C%93.txt").filename());
    assertEquals("na\u00efve.txt", one("form-data; name=n; filename*=utf-8'en'na%C3%AFve.txt; filename=\"naive.txt\"").filename());
    assertEquals("caf\u00e9", one("form-data; name=n; filename*=ISO-8859-1''caf%E9").filename());
    assertEquals("only", one("form-data; name=n; filename*=UTF-8''only").filename());
    // a charset Depot does not know leaves the plain value
    assertEquals("plain.txt", one("form-data; name=n; filename=plain.txt; filename*=KOI8-R''%C1").filename());
    assertProblem(Problem.MALFORMED_MULTIPART, () -> one("form-data; name=n; filename*=UTF-8''bad%2"));
    assertProblem(Problem.MALFORMED_MULTIPART, () -> one("form-data; name=n; filename*=no-quotes"));
    assertProblem(Problem.MALFORMED_MULTIPART, () -> one("form-data; name=n; filename*=UTF-8''a; filename*=UTF-8''b"));
  }

  @Test
  void headersAreUtf8CaseInsensitiveUnfoldedAndSingleWhereTheyMustBe() throws IOException {
    String body = "--" + B + "\r\ncontent-DISPOSITION :form-data; name=\"f\";\r\n filename=\"\u65e5\u672c.txt\"\r\n"
        + "CONTENT-type:  text/plain  \r\nContent-Digest: sha-256=:a:\r\ncontent-digest: sha-512=:b:\r\n\r\nx\r\n--" + B + "--";
    FormPart part = reader(body, CT).next();
    assertEquals("\u65e5\u672c.txt", part.filename());
    assertEquals("text/plain", part.contentType());
    assertEquals("sha-256=:a:, sha-512=:b:", part.headers().joined("CONTENT-DIGEST"));
    assertNull(part.headers().single("Repr-Digest"));

    String twice = "--" + B + "\r\nContent-Disposition: form-data; name=a\r\nContent-Disposition: form-data; name=b\r\n\r\nx\r\n--" + B + "--";
    assertProblem(Problem.MALFORMED_MULTIPART, () -> readAll(twice, CT));
    for (String headers : List.of("", "Content-Type: text/plain\r\n", "Content-Disposition form-data; name=a\r\n",
        " Content-Disposition: form-data; name=a\r\n", ": x\r\nContent-Disposition: form-data; name=a\r\n")) {
      String body2 = "--" + B + "\r\n" + headers + "\r\nx\r\n--" + B + "--";
      assertProblem(Problem.MALFORMED_MULTIPART, () -> readAll(body2, CT), headers);
    }
  }

  @Test
  void theHeaderBlockIsCappedIncludingItsEmptyLine() throws IOException {
    String line = "Content-Disposition: form-data; name=\"a\"\r\n";
    String pad = "X-Pad: ";
    int exact = 100;
    String filler = "p".repeat(exact - line.length() - pad.length() - 4);
    String block = line + pad + filler + "\r\n\r\n";
    assertEquals(exact, block.length());
    String body = "--" + B + "\r\n" + block + "x\r\n--" + B + "--";

    assertEquals(1, readAll(body, CT, exact, 256 << 10, 7).size());
    assertProblem(Problem.MULTIPART_LIMIT, () -> readAll(body, CT, exact - 1, 256 << 10, 7));
    String padded = "--" + B + " ".repeat(200) + "\r\n" + block + "x\r\n--" + B + "--";
    assertProblem(Problem.MULTIPART_LIMIT, () -> readAll(padded, CT, exact, 256 << 10, 7));
  }

  @Test
  void unreadPartsAreSkippedAndTheirStreamsCannotBeReadLater() throws IOException {
    String body = "--" + B + "\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n" + "skipped ".repeat(10000) + "\r\n"
        + "--" + B + "\r\nContent-Disposition: form-data; name=\"b\"\r\n\r\nread\r\n--" + B + "--";
    MultipartReader reader = reader(body, CT);
    FormPart a = reader.next();
    assertEquals('s', a.content().read());
    FormPart b = reader.next();
    assertEquals("b", b.name());
    assertThrows(IllegalStateException.class, () -> a.content().read());
    assertEquals("read", new String(b.content().readAllBytes(), StandardCharsets.UTF_8));
    assertEquals(-1, b.content().read());
    assertNull(reader.next());
    assertNull(reader.next());
  }

  @Test
  void aPartHandsOutLargeReadsCopiedStraightFromTheBuffer() throws IOException {
    byte[] content = new byte[3 << 20];
    new Random(7).nextBytes(content);
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.writeBytes(("--" + B + "\r\nContent-Disposition: form-data; name=\"f\"; filename=\"f\"\r\n\r\n").getBytes(StandardCharsets.UTF_8));
    body.writeBytes(content);
    body.writeBytes(("\r\n--" + B + "--").getBytes(StandardCharsets.UTF_8));
    InputStream part = MultipartReader.open(new ByteArrayInputStream(body.toByteArray()), CT, 8192).next().content();

    byte[] buffer = new byte[256 << 10];
    ByteArrayOutputStream got = new ByteArrayOutputStream();
    List<Integer> reads = new ArrayList<>();
    for (int n; (n = part.read(buffer, 0, buffer.length)) >= 0; ) {
      reads.add(n);
      got.write(buffer, 0, n);
    }
    assertArrayEquals(content, got.toByteArray());
    // each read but the ones at a refill hands out (nearly) a whole buffer, not a few KiB
    assertTrue(reads.stream().filter(n -> n >= (256 << 10) - 200).count() >= reads.size() / 2 - 1, reads.toString());
  }

  @Test
  void aSourceFailureReachesTheCallerAsIs() throws IOException {
    IOException broken = new IOException("connection reset");
    InputStream failing = new InputStream() {
      private final InputStream start = new ByteArrayInputStream(
          ("--" + B + "\r\nContent-Disposition: form-data; name=\"f\"; filename=\"f\"\r\n\r\nabc").getBytes(StandardCharsets.UTF_8));

      @Override
      public int read() throws IOException {
        int b = start.read();
        if (b < 0) {
          throw broken;
        }
        return b;
      }
    };
    FormPart part = MultipartReader.open(failing, CT, 8192).next();
    assertEquals(broken, assertThrows(IOException.class, () -> part.content().readAllBytes()));
  }

  private static Read one(String disposition) throws IOException {
    List<Read> all = readAll("--" + B + "\r\nContent-Disposition: " + disposition + "\r\n\r\n\r\n--" + B + "--", CT);
    assertEquals(1, all.size());
    return all.get(0);
  }

  private static MultipartReader reader(String body, String contentType) {
    return MultipartReader.open(new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)), contentType, 8192);
  }

  private static List<Read> readAll(String body, String contentType) throws IOException {
    return readAll(body, contentType, 8192, 256 << 10, Integer.MAX_VALUE);
  }

  private static List<Read> readAll(String body, String contentType, int buffer, int chunk) throws IOException {
    return readAll(body, contentType, 8192, buffer, chunk);
  }

  /** Reads every part, the source handing out at most {@code chunk} bytes per read. */
  private static List<Read> readAll(String body, String contentType, int maxHeader, int buffer, int chunk) throws IOException {
    InputStream source = new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)) {
      @Override
      public synchronized int read(byte[] b, int off, int len) {
        return super.read(b, off, Math.min(len, chunk));
      }
    };
    MultipartReader reader = MultipartReader.open(source, contentType, maxHeader, buffer);
    List<Read> parts = new ArrayList<>();
    for (FormPart p = reader.next(); p != null; p = reader.next()) {
      parts.add(new Read(p.name(), p.filename(), new String(p.content().readAllBytes(), StandardCharsets.UTF_8)));
    }
    return parts;
  }

  private static void assertProblem(Problem problem, Executable action) {
    Problems.assertProblem(problem, action);
  }

  private static void assertProblem(Problem problem, Executable action, String when) {
    DepotException e = assertThrows(DepotException.class, action, when);
    assertEquals(problem, e.problem(), when + ": " + e.getMessage());
  }
}
