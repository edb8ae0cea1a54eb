package dev.depot.storage.control;

import dev.depot.config.DepotSettings;
import dev.depot.problem.DepotException;
import dev.depot.problem.Problem;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Keeps {@code depot.min-free-space} free on a store's filesystem, whatever the upload's framing
 * (issue 11, item 13). Before a byte is written, usable space must cover the declared length (at most
 * what the request may legally store, item 12), plus what uploads in flight have reserved, plus the
 * reserve. Then every upload is watched as it arrives: every {@link #STEP} bytes the free space is
 * checked again, and bytes beyond the reservation (a chunked body, a multipart body's parts) are
 * admitted only one step ahead, after checking that the step still fits above the reserve. So no upload
 * leaves less than the reserve: one that would is refused with 507 before the bytes that would cross
 * it are written. (Other processes writing to the same disk can still eat into it; the next check then
 * refuses.)
 */
@ApplicationScoped
public class SpaceAdmission {

  /** How far ahead of what arrived bytes without a reservation are admitted, and how often space is checked. */
  static final long STEP = 1L << 20;

  private final AtomicLong reserved = new AtomicLong();

  @Inject DepotSettings settings;

  /**
   * A granted admission. Its reservation shrinks as the body's bytes arrive (they then show in the
   * filesystem's usage instead); closing it releases what is left.
   */
  public final class Ticket implements AutoCloseable {
    private final Path dir;
    private long remaining;
    /** Bytes of the body, counted from its start, that some check found room for. */
    private long admittedUpTo;
    private long received;
    private long sinceCheck;

    private Ticket(long bytes, Path dir, long admittedUpTo) {
      this.remaining = bytes;
      this.dir = dir;
      this.admittedUpTo = admittedUpTo;
    }

    /** Wraps the body: counts its bytes off the reservation and checks free space as it goes. */
    public InputStream watch(InputStream body) {
      return new Watched(body, this);
    }

    /** Bytes still reserved by this ticket. */
    public long reserved() {
      return remaining;
    }

    private void arrived(int n) {
      received += n;
      long released = Math.min(n, remaining);
      if (released > 0) {
        remaining -= released;
        reserved.addAndGet(-released);
      }
      sinceCheck += n;
      if (received > admittedUpTo || sinceCheck >= STEP) {
        // Room for what was just read (not yet written) plus, beyond the reservation, one more step.
        long ahead = received > admittedUpTo ? n + STEP : 0;
        if (usable(dir) - reserved.get() - ahead < settings.minFreeSpace()) {
          throw new DepotException(Problem.INSUFFICIENT_STORAGE, "The server ran out of room for this upload.");
        }
        sinceCheck = 0;
        if (received > admittedUpTo) {
          admittedUpTo = received + STEP;
        }
      }
    }

    @Override
    public void close() {
      long left = remaining;
      remaining = 0;
      reserved.addAndGet(-left);
    }
  }

  /**
   * @param dir a directory on the store's filesystem
   * @param declaredLength the body's declared length, or -1 when unknown
   * @param legalMax the most the request may store (the file size limit, or for multipart the file
   *     size limit times the part limit): a declared length beyond it is reserved only up to it, so a
   *     client cannot reserve space it could never use
   * @throws DepotException INSUFFICIENT_STORAGE if it cannot fit
   */
  public Ticket admit(Path dir, long declaredLength, long legalMax) {
    long bytes = declaredLength < 0 ? 0 : Math.min(declaredLength, legalMax);
    long ahead = declaredLength < 0 ? STEP : 0;
    long minFree = settings.minFreeSpace();
    long inFlight = reserved.addAndGet(bytes);
    if (usable(dir) - inFlight - ahead < minFree) {
      reserved.addAndGet(-bytes);
      throw new DepotException(Problem.INSUFFICIENT_STORAGE, "The server does not have room for an upload of this size.");
    }
    return new Ticket(bytes, dir, bytes + ahead);
  }

  /** Bytes currently reserved by uploads in flight (for health and tests). */
  public long reserved() {
    return reserved.get();
  }

  /**
   * The file stores of the directories asked about. Finding a path's file store reads the mount table
   * (/proc/self/mounts) each time, which the profile showed at 4% of an upload's CPU with a check per
   * MiB; the usable space itself is a fresh statvfs(2) at every call.
   */
  private static final java.util.Map<Path, FileStore> STORES = new java.util.concurrent.ConcurrentHashMap<>();

  private static long usable(Path dir) {
    try {
      FileStore store = STORES.get(dir);
      if (store == null) {
        store = Files.getFileStore(dir);
        if (STORES.size() < 1024) { // a store per results directory: a handful
          STORES.put(dir, store);
        }
      }
      return store.getUsableSpace();
    } catch (IOException e) {
      STORES.remove(dir); // a volume unmounted and mounted again is another store
      throw FileSystemBlobStore.storageFailure(e);
    }
  }

  private static final class Watched extends FilterInputStream {
    private final Ticket ticket;

    Watched(InputStream in, Ticket ticket) {
      super(in);
      this.ticket = ticket;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = in.read(b, off, len);
      if (n > 0) {
        ticket.arrived(n);
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
