package dev.depot.files.control;

import dev.depot.problem.DepotException;
import dev.depot.problem.Problem;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * Depot's streaming {@code multipart/form-data} reader (RFC 7578, on the RFC 2046 §5.1.1 syntax): hands
 * out the parts of a body one after the other, each part's content as a stream that ends at the next
 * delimiter. Nothing is held but one buffer ({@value #BUFFER_SIZE} bytes) and the header block of the
 * part being opened (at most {@code maxHeaderSize}); nothing is written anywhere.
 *
 * <p><b>The scan.</b> A part's content ends at the delimiter {@code CRLF "--" boundary}, found by
 * {@link DelimiterSearch} (Boyer–Moore–Horspool, or a CR scan eight bytes at a time for short
 * boundaries). Every position left of {@code scan} is known not to start a delimiter and is never
 * looked at again; the bytes there are the part's and are copied straight from the buffer into the
 * caller's array. At most the last (length − 1) bytes read stay undecided (they may begin a delimiter
 * that the next read completes); they move to the front of the buffer before the next read, so a
 * delimiter split across reads is found whole. A match is a delimiter wherever it stands, even
 * followed by other characters (RFC 2046 §5.1.1: "it is sufficient that the boundary appear in its
 * entirety following the CRLF"); what must follow it is then checked.
 *
 * <p><b>The grammar.</b> The body may start with the first boundary line or with a preamble that ends
 * in CRLF; the reader starts as if the body were preceded by CRLF, so the first boundary line is
 * found by the same scan, and a {@code --boundary} inside a preamble line is not one. A boundary line
 * may end in linear whitespace ("transport padding", which receivers MUST accept) before its CRLF; a
 * bare LF is not a line end. {@code --boundary--} closes the body; what follows it (the epilogue) is
 * not read. A body that ends anywhere before the close delimiter is malformed, and so is a part's
 * content stream: it reports its end only once the delimiter line after it is complete, so a part is
 * never taken as whole from a body cut off inside that line.
 */
final class MultipartReader {

  /** The buffer: as large as the storage engine's writes, so a part can hand out nearly a whole one per read. */
  static final int BUFFER_SIZE = 256 * 1024;

  /** RFC 2046 §5.1.1: a boundary has 1 to 70 characters. */
  static final int MAX_BOUNDARY = 70;

  private final InputStream in;
  private final DelimiterSearch search;
  private final byte[] buf;
  private final int maxHeaderSize;

  private int head; // next byte to hand out or parse
  private int tail; // end of the bytes read
  private int scan; // in content: no delimiter starts in [head, scan)
  private int match = -1; // in content: where the delimiter starts, once found
  private boolean inContent = true; // the preamble is content nobody reads
  private boolean eof;
  private boolean closed; // the close delimiter was read
  private PartStream current;

  private MultipartReader(InputStream in, String boundary, int maxHeaderSize, int bufferSize) {
    this.in = in;
    this.search = new DelimiterSearch(("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1));
    this.maxHeaderSize = maxHeaderSize;
    this.buf = new byte[Math.max(bufferSize, 2 * search.length())];
    buf[0] = '\r'; // the CRLF the first delimiter may lack
    buf[1] = '\n';
    tail = 2;
  }

  /**
   * A reader over a request body.
   *
   * @param contentType the request's {@code Content-Type}: {@code multipart/form-data} with a boundary
   * @param maxHeaderSize the largest header block of one part, in bytes
   * @throws DepotException MALFORMED_MULTIPART if the content type is not multipart/form-data with a
   *     boundary of 1 to 70 printable ASCII characters
   */
  static MultipartReader open(InputStream body, String contentType, int maxHeaderSize) {
    return new MultipartReader(body, boundary(contentType), maxHeaderSize, BUFFER_SIZE);
  }

  /** A reader with a buffer of another size: tests use tiny ones, to split delimiters across reads. */
  static MultipartReader open(InputStream body, String contentType, int maxHeaderSize, int bufferSize) {
    return new MultipartReader(body, boundary(contentType), maxHeaderSize, bufferSize);
  }

  /**
   * The next part, or null after the close delimiter. The previous part's content is skipped if it
   * was not read to its end.
   *
   * @throws DepotException MALFORMED_MULTIPART if the body breaks the grammar or ends before its close
   *     delimiter; MULTIPART_LIMIT if a part's header block is larger than allowed
   * @throws IOException if reading the body fails
   */
  FormPart next() throws IOException {
    if (inContent) {
      skipContent();
    }
    if (closed) {
      return null;
    }
    PartHeaders headers = readHeaders();
    current = new PartStream();
    inContent = true;
    scan = head;
    match = -1;
    search();
    return FormPart.of(headers, current);
  }

  private static String boundary(String contentType) {
    if (contentType == null) {
      throw new DepotException(Problem.MALFORMED_MULTIPART, "The request is not multipart/form-data.");
    }
    HeaderParameters type = HeaderParameters.parse(contentType, "Content-Type");
    if (!type.value().equalsIgnoreCase("multipart/form-data")) {
      throw new DepotException(Problem.MALFORMED_MULTIPART, "The request is not multipart/form-data.");
    }
    String boundary = type.get("boundary");
    if (boundary == null || boundary.isEmpty() || boundary.length() > MAX_BOUNDARY || boundary.endsWith(" ")
        || !boundary.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
      throw new DepotException(Problem.MALFORMED_MULTIPART,
          "The request's multipart boundary is missing or not 1 to 70 printable characters (RFC 2046 §5.1.1).");
    }
    return boundary;
  }

  /** Moves {@code scan} as far right as the bytes read allow, or sets {@code match}. */
  private void search() {
    scan = search.find(buf, scan, tail);
    if (scan <= tail - search.length()) {
      match = scan;
    }
  }

  /** Copies content bytes known to be the part's; -1 once the part's delimiter line was read. */
  private int content(byte[] b, int off, int len) throws IOException {
    while (true) {
      int end = match >= 0 ? match : scan;
      if (head < end) {
        int n = Math.min(len, end - head);
        System.arraycopy(buf, head, b, off, n);
        head += n;
        return n;
      }
      if (match >= 0) {
        endOfPart();
        return -1;
      }
      more();
    }
  }

  private void skipContent() throws IOException {
    while (match < 0) {
      head = scan;
      more();
    }
    head = match;
    endOfPart();
  }

  /** Reads on in content, then scans what came in. */
  private void more() throws IOException {
    if (!fill()) {
      throw current == null
          ? new DepotException(Problem.MALFORMED_MULTIPART, "The multipart body has no boundary line.")
          : truncated();
    }
    search();
  }

  /** After the delimiter: {@code "--"} (the close delimiter), or transport padding and CRLF. */
  private void endOfPart() throws IOException {
    head = match + search.length();
    match = -1;
    inContent = false;
    int c = nextByte();
    if (c == '-') {
      if (nextByte() != '-') {
        throw new DepotException(Problem.MALFORMED_MULTIPART, "A boundary is followed by other characters (RFC 2046 §5.1.1).");
      }
      closed = true;
      return;
    }
    for (int padding = 0; c == ' ' || c == '\t'; c = nextByte()) {
      if (++padding > maxHeaderSize) {
        throw new DepotException(Problem.MULTIPART_LIMIT, "A boundary line is longer than " + maxHeaderSize + " bytes.");
      }
    }
    if (c != '\r' || nextByte() != '\n') {
      throw new DepotException(Problem.MALFORMED_MULTIPART, "A boundary is followed by other characters (RFC 2046 §5.1.1).");
    }
  }

  /** The header block up to and including its empty line, at most {@code maxHeaderSize} bytes. */
  private PartHeaders readHeaders() throws IOException {
    byte[] block = new byte[Math.min(maxHeaderSize, 1024)];
    int size = 0;
    while (true) {
      int c = nextByte();
      if (size == maxHeaderSize) {
        throw new DepotException(Problem.MULTIPART_LIMIT, "A part's headers are larger than " + maxHeaderSize + " bytes.");
      }
      if (size == block.length) {
        block = Arrays.copyOf(block, (int) Math.min(maxHeaderSize, 2L * size));
      }
      block[size++] = (byte) c;
      if (c == '\n' && size >= 2 && block[size - 2] == '\r'
          && (size == 2 || size >= 4 && block[size - 3] == '\n' && block[size - 4] == '\r')) {
        return PartHeaders.parse(block, size);
      }
    }
  }

  private int nextByte() throws IOException {
    if (head == tail && !fill()) {
      throw truncated();
    }
    return buf[head++] & 0xff;
  }

  /**
   * Moves the unconsumed bytes to the front and reads once from the body; false at its end. Callers
   * come here only when nothing decided is left (no match, {@code head == scan} in content, {@code
   * head == tail} elsewhere), so fewer than a delimiter's length of bytes move.
   */
  private boolean fill() throws IOException {
    if (eof) {
      return false;
    }
    if (head > 0) {
      System.arraycopy(buf, head, buf, 0, tail - head);
      tail -= head;
      scan -= head;
      head = 0;
    }
    int n;
    do {
      n = in.read(buf, tail, buf.length - tail);
    } while (n == 0);
    if (n < 0) {
      eof = true;
      return false;
    }
    tail += n;
    return true;
  }

  private static DepotException truncated() {
    return new DepotException(Problem.MALFORMED_MULTIPART, "The multipart body ends before its close delimiter.");
  }

  /** A part's content: ends at its delimiter; reads copy straight out of the reader's buffer. */
  private final class PartStream extends InputStream {
    private final byte[] one = new byte[1];
    private boolean ended;

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      Objects.checkFromIndexSize(off, len, b.length);
      if (ended) {
        return -1;
      }
      if (current != this) {
        throw new IllegalStateException("A later part was opened; this one was skipped.");
      }
      if (len == 0) {
        return 0;
      }
      int n = content(b, off, len);
      ended = n < 0;
      return n;
    }

    @Override
    public int read() throws IOException {
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int available() {
      return ended || current != this ? 0 : (match >= 0 ? match : scan) - head;
    }
  }
}
