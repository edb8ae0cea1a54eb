package dev.depot.storage.control;

import dev.depot.problem.DepotException;
import dev.depot.problem.Problem;

import dev.depot.config.DepotSettings;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Refuses uploads the results filesystem cannot hold, before a byte is written: usable space must
 * cover the declared length, plus what uploads already in flight have declared, plus {@code
 * depot.min-free-space}. Every upload is then watched: every {@link #WATCH_INTERVAL} bytes the free
 * space is checked again, which is what stops an upload without a declared length (admitted as long
 * as the reserve is free) before it fills the disk.
 */
@ApplicationScoped
public class SpaceAdmission {

  /** How often (in bytes received) an undeclared upload re-checks free space. */
  static final long WATCH_INTERVAL = 16L << 20;

  private final AtomicLong reserved = new AtomicLong();

  @Inject DepotSettings settings;

  /**
   * A granted admission. Its reservation shrinks as the body's bytes arrive (they then show in the
   * filesystem's usage instead); closing it releases what is left.
   */
  public final class Ticket implements AutoCloseable {
    private final Path dir;
    private long remaining;

    private Ticket(long bytes, Path dir) {
      this.remaining = bytes;
      this.dir = dir;
    }

    /** Wraps the body: counts its bytes off the reservation and re-checks free space as it goes. */
    public InputStream watch(InputStream body) {
      return new Watched(body, this);
    }

    private void received(long n) {
      long released = Math.min(n, remaining);
      if (released > 0) {
        remaining -= released;
        reserved.addAndGet(-released);
      }
    }

    @Override
    public void close() {
      received(remaining);
    }
  }

  /**
   * @param declaredLength the body's declared length, or -1 when unknown
   * @throws DepotException INSUFFICIENT_STORAGE if it cannot fit
   */
  public Ticket admit(Path resultsDir, long declaredLength) {
    long bytes = Math.max(0, declaredLength);
    long minFree = settings.minFreeSpace();
    long inFlight = reserved.addAndGet(bytes);
    if (usable(resultsDir) - inFlight < minFree) {
      reserved.addAndGet(-bytes);
      throw new DepotException(Problem.INSUFFICIENT_STORAGE, "The server does not have room for an upload of this size.");
    }
    return new Ticket(bytes, resultsDir);
  }

  /** Bytes currently reserved by uploads in flight (for health and tests). */
  public long reserved() {
    return reserved.get();
  }

  private static long usable(Path dir) {
    try {
      return Files.getFileStore(dir).getUsableSpace();
    } catch (IOException e) {
      throw FileSystemBlobStore.storageFailure(e);
    }
  }

  private final class Watched extends FilterInputStream {
    private final Ticket ticket;
    private long sinceCheck;

    Watched(InputStream in, Ticket ticket) {
      super(in);
      this.ticket = ticket;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = in.read(b, off, len);
      if (n > 0) {
        ticket.received(n);
        if ((sinceCheck += n) >= WATCH_INTERVAL) {
          sinceCheck = 0;
          if (usable(ticket.dir) - reserved.get() < settings.minFreeSpace()) {
            throw new DepotException(Problem.INSUFFICIENT_STORAGE, "The server ran out of room for this upload.");
          }
        }
      }
      return n;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) == -1 ? -1 : one[0] & 0xff;
    }
  }
}
