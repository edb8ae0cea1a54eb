package dev.depot.files.control;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.commons.fileupload2.core.AbstractFileUpload;
import org.apache.commons.fileupload2.core.DiskFileItem;
import org.apache.commons.fileupload2.core.DiskFileItemFactory;
import org.apache.commons.fileupload2.core.FileItemInputIterator;
import org.apache.commons.fileupload2.core.RequestContext;

/**
 * A by-hand throughput check of the multipart readers, not a test (no JMH; never run by the build):
 * one file part of {@code GiB} (default 1) generated on the fly, read the way the storage engine reads
 * (fill a 256 KiB buffer, then hand it on), through Depot's {@link MultipartReader} and through
 * fileupload2's part iterator (the parser Depot used before), next to the same loop over the raw body.
 * Each is also run with SHA-256 in the loop, as the storage engine does. Prints wall and thread CPU
 * time, best of {@code runs}, for curl-like boundaries (by default of 40 characters and of 1), on random
 * bytes and on base64-like text lines ending in CRLF.
 *
 * <pre>
 * mvn -o -q -DskipTests test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * java -Xmx512m -cp target/classes:target/test-classes:$(cat target/cp.txt) dev.depot.files.control.MultipartThroughput [GiB] [runs] [raw,depot,fileupload2] [boundary lengths: 40,1]
 * </pre>
 */
public final class MultipartThroughput {

  private static final int BLOCK = 64 << 20;
  /** Base64's alphabet: text lines that cannot hold a delimiter (no {@code -}). */
  private static final String TEXT = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  private static final int READ = 64 << 10; // what the source hands out per read, like a network stream
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private MultipartThroughput() {}

  public static void main(String[] args) throws Exception {
    long size = (long) (Double.parseDouble(args.length > 0 ? args[0] : "1") * (1L << 30));
    int runs = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    List<String> readers = List.of((args.length > 2 ? args[2] : "raw,depot,fileupload2").split(","));
    List<String> boundaries = new java.util.ArrayList<>();
    for (String length : (args.length > 3 ? args[3] : "40,1").split(",")) {
      String curlLike = "------------------------" + "d74496d66958873e".repeat(5); // like curl's: dashes, then hex
      boundaries.add(curlLike.substring(curlLike.length() - Integer.parseInt(length)));
    }
    byte[] random = new byte[BLOCK];
    new SplittableRandom(1).nextBytes(random);
    byte[] text = new byte[BLOCK];
    SplittableRandom r = new SplittableRandom(2);
    for (int i = 0; i < BLOCK; i++) {
      text[i] = i % 78 == 76 ? (byte) '\r' : i % 78 == 77 ? (byte) '\n' : (byte) TEXT.charAt(r.nextInt(TEXT.length()));
    }
    System.out.printf("%d MiB part, source reads of %d KiB, best of %d; MB/s = 10^6 bytes per second%n", size >> 20, READ >> 10, runs);
    System.out.printf("%-12s %-16s %-10s %10s %10s %10s%n", "content", "boundary", "reader", "wall MB/s", "CPU MB/s", "+SHA CPU");
    for (String boundary : boundaries) {
      for (Map.Entry<String, byte[]> content : List.of(Map.entry("random", random), Map.entry("text+CRLF", text))) {
        for (String reader : readers) {
          double[] plain = best(runs, () -> run(reader, boundary, content.getValue(), size, false));
          double[] sha = best(runs, () -> run(reader, boundary, content.getValue(), size, true));
          System.out.printf("%-12s %-16s %-10s %10.0f %10.0f %10.0f%n", content.getKey(),
              boundary.length() + " chars", reader, size / plain[0] / 1e6, size / plain[1] / 1e6, size / sha[1] / 1e6);
        }
      }
    }
  }

  interface Run {
    double[] time() throws Exception;
  }

  private static double[] best(int runs, Run run) throws Exception {
    double[] best = {Double.MAX_VALUE, Double.MAX_VALUE};
    for (int i = 0; i < runs; i++) {
      double[] t = run.time();
      best[0] = Math.min(best[0], t[0]);
      best[1] = Math.min(best[1], t[1]);
    }
    return best;
  }

  /** Returns {wall seconds, thread CPU seconds} to read the part (or raw body) to its end. */
  private static double[] run(String reader, String boundary, byte[] block, long size, boolean digest) throws Exception {
    byte[] head = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.bin\"\r\n"
        + "Content-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    byte[] end = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII);
    InputStream body = new Body(head, block, size, end);
    String contentType = "multipart/form-data; boundary=" + boundary;
    MessageDigest sha = digest ? MessageDigest.getInstance("SHA-256") : null;
    long cpu = THREADS.getCurrentThreadCpuTime();
    long wall = System.nanoTime();
    InputStream part = switch (reader) {
      case "raw" -> body;
      case "depot" -> MultipartReader.open(body, contentType, 8192).next().content();
      default -> fileupload2(body, contentType);
    };
    long read = drain(part, sha);
    double[] t = {(System.nanoTime() - wall) / 1e9, (THREADS.getCurrentThreadCpuTime() - cpu) / 1e9};
    long expected = reader.equals("raw") ? head.length + size + end.length : size;
    if (read != expected) {
      throw new AssertionError(reader + " read " + read + " bytes, not " + expected);
    }
    return t;
  }

  /** The storage engine's loop: fill 256 KiB, then digest it. */
  private static long drain(InputStream in, MessageDigest sha) throws IOException {
    byte[] buffer = new byte[256 << 10];
    long total = 0;
    while (true) {
      int filled = 0;
      for (int n; filled < buffer.length && (n = in.read(buffer, filled, buffer.length - filled)) >= 0; ) {
        filled += n;
      }
      if (filled == 0) {
        return total;
      }
      if (sha != null) {
        sha.update(buffer, 0, filled);
      }
      total += filled;
    }
  }

  private static InputStream fileupload2(InputStream body, String contentType) throws IOException {
    Upload upload = new Upload();
    upload.setMaxSize(-1);
    upload.setMaxFileSize(-1);
    upload.setHeaderCharset(StandardCharsets.UTF_8);
    FileItemInputIterator items = upload.getItemIterator(new Context(body, contentType));
    return items.next().getInputStream();
  }

  /** head, then {@code size} bytes cycling over {@code block}, then end; at most {@link #READ} per read. */
  private static final class Body extends InputStream {
    private final byte[][] pieces;
    private final long[] lengths;
    private int piece;
    private long offset;

    Body(byte[] head, byte[] block, long size, byte[] end) {
      this.pieces = new byte[][] {head, block, end};
      this.lengths = new long[] {head.length, size, end.length};
    }

    @Override
    public int read(byte[] b, int off, int len) {
      while (piece < pieces.length && offset == lengths[piece]) {
        piece++;
        offset = 0;
      }
      if (piece == pieces.length) {
        return -1;
      }
      byte[] p = pieces[piece];
      int at = (int) (offset % p.length);
      int n = (int) Math.min(Math.min(len, READ), Math.min(lengths[piece] - offset, p.length - at));
      System.arraycopy(p, at, b, off, n);
      offset += n;
      return n;
    }

    @Override
    public int read() {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }
  }

  private record Context(InputStream body, String contentType) implements RequestContext {
    @Override
    public String getCharacterEncoding() {
      return null;
    }

    @Override
    public long getContentLength() {
      return -1;
    }

    @Override
    public String getContentType() {
      return contentType;
    }

    @Override
    public InputStream getInputStream() {
      return body;
    }

    @Override
    public boolean isMultipartRelated() {
      return false;
    }
  }

  private static final class Upload extends AbstractFileUpload<Context, DiskFileItem, DiskFileItemFactory> {
    @Override
    public FileItemInputIterator getItemIterator(Context context) throws IOException {
      return getItemIterator((RequestContext) context);
    }

    @Override
    public Map<String, List<DiskFileItem>> parseParameterMap(Context context) {
      throw new UnsupportedOperationException();
    }

    @Override
    public List<DiskFileItem> parseRequest(Context context) {
      throw new UnsupportedOperationException();
    }
  }
}
