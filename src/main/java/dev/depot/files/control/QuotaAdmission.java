package dev.depot.files.control;

import dev.depot.access.control.Caller;
import dev.depot.access.control.Quota;
import dev.depot.access.control.Quotas;
import dev.depot.problem.DepotException;
import dev.depot.problem.Problem;
import dev.depot.storage.control.StoredFiles;
import dev.depot.storage.entity.StoredFile;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keeps each user within their quota ({@link Quotas}), like {@code SpaceAdmission} keeps the disk's
 * reserve: an upload is admitted from its declared length before a byte is read, watched as it
 * arrives (a chunked body or a multipart part is cut off before the bytes that would cross the
 * allowance are written), and checked once more when it is published, against the row it then
 * replaces. What uploads in progress may still add is reserved in memory per user, so concurrent
 * uploads of one user cannot together pass the quota.
 *
 * <p>The charge of an upload: a new path, or a path whose current bytes someone else wrote, is one
 * more file and its whole size; a replace of the user's own file only the growth (a shrink frees room
 * when it is committed, never before). Usage is the database's ({@code StoredFiles#usage}), read when
 * an upload is admitted; what this user's uploads commit while others of theirs run is counted in
 * memory until those end, so a long upload never checks against a stale sum. Deletes show at the next
 * admission. Reservations are this server's: two Depot instances on one database can each admit up to
 * the quota at the same moment.
 */
@ApplicationScoped
public class QuotaAdmission {

  /** How far ahead of what arrived a body without a declared length is reserved (one check per step). */
  static final long STEP = 1L << 20;

  private final Map<String, Account> accounts = new ConcurrentHashMap<>();

  @Inject Quotas quotas;
  @Inject StoredFiles storedFiles;

  /** For tests and code outside CDI. */
  public static QuotaAdmission of(Quotas quotas, StoredFiles storedFiles) {
    QuotaAdmission admission = new QuotaAdmission();
    admission.quotas = quotas;
    admission.storedFiles = storedFiles;
    return admission;
  }

  /** One user's uploads in progress on this server; exists while one of them runs. */
  private static final class Account {
    /** Tickets open; changed only inside the map's compute, so an account leaves the map when the last closes. */
    int open;
    /** What open tickets hold (guarded by this). */
    long reservedBytes;
    long reservedFiles;
    /** The net change committed by tickets since this account was made (guarded by this). */
    long committedBytes;
    long committedFiles;
  }

  /**
   * Admits an upload by {@code caller} to {@code key}, before its body is read.
   *
   * @param declaredLength the body's length, or -1 when unknown (chunked, a multipart part)
   * @throws DepotException QUOTA_EXCEEDED if the declared length (or one more file) does not fit
   */
  public Ticket admit(Caller caller, String key, long declaredLength) {
    Quota limits = quotas.limitsFor(caller);
    if (limits.unlimited()) {
      return new Ticket(null, null, limits, null, 0, 0);
    }
    String owner = caller.name();
    Account account = accounts.compute(owner, (k, a) -> {
      Account opened = a == null ? new Account() : a;
      opened.open++;
      return opened;
    });
    try {
      Ticket ticket = new Ticket(owner, account, limits, base(owner, account), 0, 0);
      Optional<StoredFile> current = storedFiles.findByPath(key);
      ticket.assume(current);
      ticket.reserve(declaredLength < 0 ? 0 : Math.max(0, declaredLength - ticket.credit), 0, ticket.newFile ? 1 : 0);
      return ticket;
    } catch (RuntimeException e) {
      leave(owner);
      throw e;
    }
  }

  /**
   * The database's usage of {@code owner} less what {@code account} has counted as committed so far:
   * the counter is read before the database, so a commit in between shows in both (counted twice, on
   * the safe side until the upload ends), never in neither.
   */
  private StoredFiles.Usage base(String owner, Account account) {
    long committedBytes;
    long committedFiles;
    synchronized (account) {
      committedBytes = account.committedBytes;
      committedFiles = account.committedFiles;
    }
    StoredFiles.Usage usage = storedFiles.usage(Caller.actorsOf(owner));
    return new StoredFiles.Usage(usage.bytes() - committedBytes, usage.files() - committedFiles);
  }

  private void leave(String owner) {
    accounts.computeIfPresent(owner, (k, a) -> --a.open == 0 ? null : a);
  }

  /** Bytes and files reserved by {@code owner}'s uploads in progress (for tests). */
  public Quota.Usage reserved(String owner) {
    Account account = accounts.get(owner);
    if (account == null) {
      return Quota.Usage.NONE;
    }
    synchronized (account) {
      return new Quota.Usage(account.reservedBytes, account.reservedFiles);
    }
  }

  /**
   * An admitted upload. Its reservation grows as the body arrives (within the quota), is checked
   * against the row the upload replaces ({@link #settle}), becomes usage when the row is committed
   * ({@link #committed}); closing it releases what is left. With no quota it does nothing.
   */
  public final class Ticket implements AutoCloseable {
    private final String owner;
    private final Account account;
    private final Quota limits;
    /** The database's usage when admitted, less what the account had counted as committed by then. */
    private StoredFiles.Usage base;
    private long bytes;
    private long files;
    private long received;
    /** Bytes of the replaced row that this upload frees: its size if the owner wrote it, else 0. */
    private long credit;
    private boolean newFile = true;
    private boolean closed;

    private Ticket(String owner, Account account, Quota limits, StoredFiles.Usage base, long bytes, long files) {
      this.owner = owner;
      this.account = account;
      this.limits = limits;
      this.base = base;
      this.bytes = bytes;
      this.files = files;
    }

    /** Wraps the body: bytes beyond the reservation are admitted a step ahead, within the quota. */
    public InputStream watch(InputStream body) {
      return account == null ? body : new Watched(body, this);
    }

    /**
     * Under the path's lock, just before the upload replaces {@code current} with {@code size} bytes:
     * checks the charge against the row as it is now. If another writer changed the row since
     * admission (took the path over, or deleted it), the user's usage changed with it and is read again.
     *
     * @throws DepotException QUOTA_EXCEEDED if it no longer fits; nothing is published
     */
    public void settle(Optional<StoredFile> current, long size) {
      if (account == null) {
        return;
      }
      long assumedCredit = credit;
      boolean assumedNew = newFile;
      assume(current);
      if (credit != assumedCredit || newFile != assumedNew) {
        base = base(owner, account);
      }
      reserve(Math.max(0, size - credit), 0, newFile ? 1 : 0);
    }

    /** The row is committed: what the upload changed is now usage, and nothing stays reserved. */
    public void committed(long size) {
      if (account == null || closed) {
        return;
      }
      synchronized (account) {
        account.committedBytes += size - credit;
        account.committedFiles += newFile ? 1 : 0;
        account.reservedBytes -= bytes;
        account.reservedFiles -= files;
        bytes = 0;
        files = 0;
      }
    }

    @Override
    public void close() {
      if (account == null || closed) {
        return;
      }
      closed = true;
      synchronized (account) {
        account.reservedBytes -= bytes;
        account.reservedFiles -= files;
        bytes = 0;
        files = 0;
      }
      leave(owner);
    }

    private void assume(Optional<StoredFile> current) {
      boolean own = current.isPresent() && owner.equals(Caller.owner(current.get().getModifiedBy()));
      credit = own ? current.get().getSize() : 0;
      newFile = !own;
    }

    private void arrived(int n) {
      received += n;
      long need = received - credit;
      if (need > bytes) {
        reserve(need, STEP, files);
      }
    }

    /**
     * Holds {@code needBytes} (and up to {@code aheadBytes} more, as far as the quota allows) and
     * {@code needFiles}; a reservation only grows here.
     */
    private void reserve(long needBytes, long aheadBytes, long needFiles) {
      synchronized (account) {
        long usedBytes = base.bytes() + account.committedBytes + account.reservedBytes - bytes;
        long usedFiles = base.files() + account.committedFiles + account.reservedFiles - files;
        if (needFiles > files && limits.files() != Quota.UNLIMITED && usedFiles + needFiles > limits.files()) {
          throw new DepotException(Problem.QUOTA_EXCEEDED,
              "This upload would be file " + (usedFiles + needFiles) + " of " + owner + "'s quota of " + limits.files() + " files.");
        }
        long room = limits.bytes() == Quota.UNLIMITED ? Long.MAX_VALUE : limits.bytes() - usedBytes;
        if (needBytes > bytes && needBytes > room) {
          throw new DepotException(Problem.QUOTA_EXCEEDED,
              "This upload would take " + owner + " past their quota of " + limits.bytes() + " bytes ("
                  + Math.max(0, usedBytes) + " used or reserved).");
        }
        long wanted = Math.max(bytes, Math.max(needBytes, Math.min(room, saturatedSum(needBytes, aheadBytes))));
        account.reservedBytes += wanted - bytes;
        bytes = wanted;
        long wantedFiles = Math.max(files, needFiles);
        account.reservedFiles += wantedFiles - files;
        files = wantedFiles;
      }
    }
  }

  private static long saturatedSum(long a, long b) {
    long sum = a + b;
    return sum < 0 ? Long.MAX_VALUE : sum;
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
