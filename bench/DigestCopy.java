import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;

/**
 * Micro-benchmark of the storage engine's inner loop, without a server: SHA-256 alone, and read +
 * digest + FileChannel.write as FileSystemBlobStore.stage does it, for a given buffer size and the
 * chunk size the source hands out. Run: java bench/DigestCopy.java [MiB] [dir]. Not JMH: a rough,
 * warmed-up figure (best of 5) that tells whether the digest or the copy dominates.
 */
public class DigestCopy {
  public static void main(String[] args) throws Exception {
    int mib = args.length > 0 ? Integer.parseInt(args[0]) : 256;
    Path dir = Path.of(args.length > 1 ? args[1] : System.getProperty("java.io.tmpdir"));
    byte[] data = new byte[mib << 20];
    new java.util.Random(7).nextBytes(data);
    System.out.printf("SHA-256 only, 256 KiB updates: %.0f MB/s%n", best(() -> digestOnly(data)) );
    for (int chunk : new int[] {4 << 10, 8 << 10, 64 << 10, 256 << 10}) {
      System.out.printf("stage loop, source hands out %3d KiB: %.0f MB/s%n", chunk >> 10,
          best(() -> stage(new Chunked(data, chunk), dir, false)));
      System.out.printf("  same, buffer filled before write  : %.0f MB/s%n",
          best(() -> stage(new Chunked(data, chunk), dir, true)));
    }
  }

  interface Run { long run() throws Exception; }

  static double best(Run r) throws Exception {
    double best = 0;
    for (int i = 0; i < 5; i++) {
      long t0 = System.nanoTime();
      long n = r.run();
      best = Math.max(best, n / ((System.nanoTime() - t0) / 1e9) / 1e6);
    }
    return best;
  }

  static long digestOnly(byte[] data) throws Exception {
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    for (int off = 0; off < data.length; off += 256 << 10) md.update(data, off, Math.min(256 << 10, data.length - off));
    md.digest();
    return data.length;
  }

  static long stage(InputStream in, Path dir, boolean fill) throws Exception {
    Path f = Files.createTempFile(dir, "dc-", ".tmp");
    try (FileChannel out = FileChannel.open(f, StandardOpenOption.WRITE)) {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[256 << 10];
      ByteBuffer view = ByteBuffer.wrap(buf);
      long total = 0;
      int n;
      while ((n = fill ? in.readNBytes(buf, 0, buf.length) : in.read(buf)) > 0) {
        total += n;
        md.update(buf, 0, n);
        view.clear().limit(n);
        while (view.hasRemaining()) out.write(view);
      }
      md.digest();
      return total;
    } finally {
      Files.delete(f);
    }
  }

  /** A stream that, like a container's request stream, hands out at most {@code chunk} bytes per read. */
  static final class Chunked extends ByteArrayInputStream {
    private final int chunk;
    Chunked(byte[] b, int chunk) { super(b); this.chunk = chunk; }
    @Override public synchronized int read(byte[] b, int off, int len) { return super.read(b, off, Math.min(len, chunk)); }
  }
}
