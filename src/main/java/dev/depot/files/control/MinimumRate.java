package dev.depot.files.control;

import dev.depot.problem.DepotException;
import dev.depot.problem.Problem;
import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Cuts off a transfer slower than {@code depot.min-transfer-rate} over {@code
 * depot.min-transfer-rate-window} (issue 11, item 12): a client trickling one byte every 20 s would
 * otherwise hold a worker, a file and (for an upload) its disk reservation for as long as it likes; the
 * server's read timeout only catches a client that sends nothing at all. Time is cut into windows of
 * the configured length; at the end of each, the bytes of that window must reach the rate times its
 * length. A transfer is therefore cut off within two windows of becoming too slow, and a short pause
 * (up to the server's read timeout) is fine as long as the window's average holds.
 */
public final class MinimumRate {

  private final long bytesPerSecond;
  private final long windowNanos;
  private final LongSupplier clock;
  private long windowStart;
  private long inWindow;

  MinimumRate(long bytesPerSecond, Duration window, LongSupplier clock) {
    this.bytesPerSecond = bytesPerSecond;
    this.windowNanos = window.toNanos();
    this.clock = clock;
    this.windowStart = clock.getAsLong();
  }

  /** The body, cut off with {@code 408 UPLOAD_TOO_SLOW} when it arrives too slowly; {@code rate} 0 = never. */
  public static InputStream guard(InputStream body, long bytesPerSecond, Duration window) {
    if (bytesPerSecond <= 0) {
      return body;
    }
    MinimumRate rate = new MinimumRate(bytesPerSecond, window, System::nanoTime);
    return new FilterInputStream(body) {
      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        int n = in.read(b, off, len);
        if (n > 0 && rate.tooSlowAfter(n)) {
          throw new DepotException(Problem.UPLOAD_TOO_SLOW, "The upload arrived more slowly than " + bytesPerSecond
              + " bytes per second over " + window.toSeconds() + " s; nothing of it was stored.");
        }
        return n;
      }

      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) == -1 ? -1 : one[0] & 0xff;
      }
    };
  }

  /**
   * A download's output, failing (so the container closes the connection) when the client takes the
   * bytes too slowly; a status can no longer be sent once the body has begun.
   */
  static OutputStream guard(OutputStream out, long bytesPerSecond, Duration window) {
    if (bytesPerSecond <= 0) {
      return out;
    }
    MinimumRate rate = new MinimumRate(bytesPerSecond, window, System::nanoTime);
    return new FilterOutputStream(out) {
      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
        if (rate.tooSlowAfter(len)) {
          throw new IOException("the client took the download more slowly than " + bytesPerSecond + " bytes per second");
        }
      }
    };
  }

  /** Counts {@code n} more bytes; true when the window just ended below the rate. */
  boolean tooSlowAfter(long n) {
    inWindow += n;
    long now = clock.getAsLong();
    long elapsed = now - windowStart;
    if (elapsed < windowNanos) {
      return false;
    }
    boolean tooSlow = inWindow < (double) bytesPerSecond * elapsed / 1e9;
    windowStart = now;
    inWindow = 0;
    return tooSlow;
  }
}
