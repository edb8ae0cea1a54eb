package dev.depot.files.control;

import dev.depot.access.control.AccessPolicy;
import dev.depot.access.control.LinkSigner;
import dev.depot.access.control.UploadSlots;
import dev.depot.config.DepotSettings;
import dev.depot.problem.DepotException;
import dev.depot.problem.Problem;
import dev.depot.storage.control.BlobStore;
import dev.depot.storage.control.FileSystemBlobStore;
import dev.depot.storage.control.PathLocks;
import dev.depot.storage.control.SpaceAdmission;
import dev.depot.storage.control.StagedBlob;
import dev.depot.storage.control.StoragePaths;
import dev.depot.storage.control.StoredFiles;
import dev.depot.storage.control.Stores;
import dev.depot.storage.control.WritePrecondition;
import dev.depot.storage.entity.StoredFile;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Stores one stream under one path: stage (outside any transaction and lock), then under the path's
 * lock publish atomically and record the row; if the row cannot be committed the publish is undone,
 * so a file and its row succeed or fail together.
 */
@ApplicationScoped
public class Uploads {

  private static final Logger LOG = Logger.getLogger(Uploads.class.getName());

  /** Default content type when a client declares none. */
  public static final String OCTET_STREAM = "application/octet-stream";

  /** Longest content type recorded; a longer one is refused rather than cut. */
  static final int MAX_CONTENT_TYPE = 255;

  /** Longest original filename recorded (it is informational; longer ones are cut). */
  static final int MAX_ORIGINAL_FILENAME = 1024;

  @Inject DepotSettings settings;
  @Inject StoredFiles storedFiles;
  @Inject SpaceAdmission admission;
  @Inject PathLocks locks;
  @Inject Stores stores;
  @Inject AccessPolicy access;
  @Inject UploadSlots slots;
  @Inject QuotaAdmission quotas;
  /** Every stored file, as it is published: the audit trail records writes from these (multipart parts too). */
  @Inject Event<Stored> published;

  /**
   * What to store: where, from what stream, and what the client said about it — including what it
   * expects the path's current version to be and digests of the body to verify.
   */
  public record Upload(
      String key,
      InputStream body,
      String contentType,
      String originalFilename,
      long declaredLength,
      WritePrecondition precondition,
      ClientDigests digests) {

    /** An unconditional upload with no client digests. */
    public Upload(String key, InputStream body, String contentType, String originalFilename, long declaredLength) {
      this(key, body, contentType, originalFilename, declaredLength, WritePrecondition.NONE, ClientDigests.NONE);
    }
  }

  /** A stored file's row, and whether its path was new. */
  public record Stored(StoredFile file, boolean created) {}

  /**
   * Stores a raw request body. A body that breaks off or is shorter than its declared length is an
   * UPLOAD_INCOMPLETE; nothing is stored.
   */
  public Stored storeBody(Upload upload) {
    try {
      return store(upload);
    } catch (IOException e) {
      throw new DepotException(Problem.UPLOAD_INCOMPLETE, "The request body ended before it was complete.", e);
    }
  }

  /**
   * Stores one stream, as one of the caller's uploads in progress ({@code depot.max-concurrent-uploads}),
   * admitted against the caller's quota and free space and watched for a minimum rate on its own.
   *
   * @throws IOException only when reading {@code upload.body()} fails; the caller knows what that
   *     means (a client abort, a malformed multipart body)
   */
  public Stored store(Upload upload) throws IOException {
    Target target = target(upload);
    long max = maxFileSize();
    // Every refusal here comes before a byte of the body is read; each is released however the upload ends.
    try (UploadSlots.Slot slot = slots.acquire(access.caller());
        QuotaAdmission.Ticket quota = quotas.admit(access.caller(), target.key(), upload.declaredLength());
        SpaceAdmission.Ticket ticket = admission.admit(target.store().attachment().root(), upload.declaredLength(), max)) {
      InputStream body = ticket.watch(quota.watch(MinimumRate.guard(upload.body(), settings.minTransferRate(), settings.minTransferRateWindow())));
      return stage(target, upload, body, quota);
    }
  }

  /**
   * The store new files go to (for a caller that admits a whole request itself, as multipart does).
   *
   * @throws DepotException STORE_UNAVAILABLE if none takes writes
   */
  public FileSystemBlobStore currentStore() {
    return stores.current();
  }

  /**
   * Stores one stream that is part of a request already admitted and watched as a whole (a multipart
   * part): no space admission, rate guard or upload slot of its own, which would count the request
   * twice; but its own quota ticket, since only now is its path, and so what it replaces, known.
   */
  Stored storeAdmitted(Upload upload) throws IOException {
    Target target = target(upload);
    try (QuotaAdmission.Ticket quota = quotas.admit(access.caller(), target.key(), upload.declaredLength())) {
      return stage(target, upload, quota.watch(upload.body()), quota);
    }
  }

  /**
   * Publishes bytes that were staged elsewhere (a completed resumable upload) exactly as a {@code PUT}
   * publishes its body: under the path's lock, the precondition checked again, the caller's quota
   * settled against the row it replaces, the publish undone if the row cannot be committed. The caller
   * keeps {@code staged} and discards it afterwards.
   */
  public Stored publishStaged(String key, FileSystemBlobStore store, StagedBlob staged, String contentType, String originalFilename,
      WritePrecondition precondition) {
    String k = StoragePaths.key(key);
    Upload upload = new Upload(k, InputStream.nullInputStream(), contentType, originalFilename, staged.size(), precondition, ClientDigests.NONE);
    try (QuotaAdmission.Ticket quota = quotas.admit(access.caller(), k, staged.size())) {
      return publish(store, k, staged, upload, quota);
    }
  }

  /**
   * Refuses, before any byte is read, what a later publish of {@code key} would refuse: a bad path,
   * one too deep, one that cannot be written, a bad content type, a size over the limit, a failed
   * precondition (checked again at publish). Returns the key.
   */
  public String checkTarget(String key, String contentType, long declaredLength, WritePrecondition precondition) {
    return target(new Upload(key, InputStream.nullInputStream(), contentType, null, declaredLength, precondition, ClientDigests.NONE)).key();
  }

  /** The validated key and the store it goes to: everything refused before a byte of the body is read. */
  private record Target(String key, FileSystemBlobStore store) {}

  private Target target(Upload upload) {
    String key = StoragePaths.key(upload.key());
    StoragePaths.checkDepth(key, settings.maxPathDepth());
    FileSystemBlobStore store = stores.current();
    store.checkWritable(key);
    contentType(upload.contentType()); // refuse a bad one before reading the body
    long max = maxFileSize();
    if (upload.declaredLength() > max) {
      throw new DepotException(Problem.UPLOAD_TOO_LARGE, "The file is larger than the limit of " + max + " bytes.");
    }
    checkPrecondition(key, upload.precondition()); // fail fast; checked again under the lock
    return new Target(key, store);
  }

  private Stored stage(Target target, Upload upload, InputStream body, QuotaAdmission.Ticket quota) throws IOException {
    ClientDigests.Verifier digests = upload.digests().verifier();
    try (StagedBlob staged = target.store().stage(body, maxFileSize(), digests.digests())) {
      if (upload.declaredLength() >= 0 && staged.size() != upload.declaredLength()) {
        throw new DepotException(Problem.UPLOAD_INCOMPLETE,
            "Received " + staged.size() + " bytes of the " + upload.declaredLength() + " declared.");
      }
      digests.verify(staged.sha256()); // a mismatch discards the staged blob: nothing replaced, no row
      return publish(target.store(), target.key(), staged, upload, quota);
    }
  }

  private Stored publish(FileSystemBlobStore store, String key, StagedBlob staged, Upload upload, QuotaAdmission.Ticket quota) {
    String contentType = contentType(upload.contentType());
    String originalFilename = upload.originalFilename();
    if (originalFilename != null && originalFilename.length() > MAX_ORIGINAL_FILENAME) {
      originalFilename = originalFilename.substring(0, MAX_ORIGINAL_FILENAME);
    }
    StoredFiles.Bytes bytes = new StoredFiles.Bytes(staged.size(), staged.sha256(), store.id(), staged.mtimeNs());
    ReentrantLock lock = locks.forPath(key);
    lock.lock();
    try {
      Optional<StoredFile> before = storedFiles.findByPath(key);
      checkPrecondition(before, upload.precondition()); // spares a publish and undo when it fails here
      quota.settle(before, staged.size()); // against the row as it is now: nothing published if it no longer fits
      String earlierStore = before.map(StoredFile::getStoreId).orElse(null); // read now: record() may update the row object
      BlobStore.Publication publication = store.publish(staged, key);
      Stored stored;
      try {
        stored = record(key, bytes, contentType, originalFilename, upload.precondition(), access.caller().actor());
      } catch (RuntimeException e) {
        Optional<StoredFiles.Recorded> committed = committedAnyway(key, bytes, e);
        if (committed.isEmpty()) {
          publication.rollback();
          throw e;
        }
        stored = new Stored(committed.get().file(), !publication.replaced() && before.isEmpty());
      }
      quota.committed(staged.size());
      publication.confirm();
      published.fire(stored);
      if (earlierStore != null && !earlierStore.equals(store.id())) {
        removeEarlierCopy(earlierStore, key);
      }
      return stored;
    } finally {
      lock.unlock();
    }
  }

  private Stored record(
      String key, StoredFiles.Bytes bytes, String contentType, String originalFilename, WritePrecondition precondition, String actor) {
    // Databases keep microseconds (PostgreSQL, H2 TIMESTAMP(6)): truncate first, so the answer holds
    // the very instant a later read of the row returns.
    Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
    StoredFiles.Recorded row;
    try {
      row = storedFiles.record(key, bytes, contentType, originalFilename, now, precondition, actor);
    } catch (StoredFiles.PathTakenException e) {
      // A row for this path was committed after record() looked: read it now, in a new transaction, and
      // check the precondition against it (a create-only write then fails with 412, an unconditional one
      // replaces it) rather than answering 500 for a write that can succeed.
      row = storedFiles.record(key, bytes, contentType, originalFilename, now, precondition, actor);
    }
    return new Stored(row.file(), row.created());
  }

  /**
   * After a commit failed: did it? A driver can report a failure for a commit the database made (the
   * connection broke while the answer was on its way). Undoing the publish then would leave the row
   * naming the new bytes over the old ones (issue 11, item 3), so the row is read back in a new
   * transaction: if it describes exactly these bytes (size, SHA-256, store, file fingerprint), the
   * upload happened and stays. If the read fails as well, the publish is undone; the row's fingerprint
   * then no longer matches the file, and downloads and recovery re-check the bytes before trusting it.
   */
  private Optional<StoredFiles.Recorded> committedAnyway(String key, StoredFiles.Bytes bytes, RuntimeException failure) {
    if (failure instanceof DepotException || failure instanceof StoredFiles.PathTakenException) {
      return Optional.empty(); // decided by Depot (a precondition), not an unknown outcome
    }
    try {
      Optional<StoredFile> row = storedFiles.findCommitted(key);
      if (row.isPresent() && row.get().getSha256().equals(bytes.sha256()) && row.get().getSize() == bytes.size()
          && bytes.storeId().equals(row.get().getStoreId()) && Long.valueOf(bytes.fileMtimeNs()).equals(row.get().getFileMtimeNs())) {
        LOG.log(Level.WARNING, "The commit of " + key + " reported a failure but was made; the upload stands", failure);
        return Optional.of(new StoredFiles.Recorded(row.get(), false));
      }
    } catch (RuntimeException unknown) {
      LOG.log(Level.SEVERE, "The commit of " + key + " failed and its outcome cannot be read; the publish is undone,"
          + " and the row will be checked against the bytes before they are served", unknown);
    }
    return Optional.empty();
  }

  /** The path's bytes moved to the store new files go to: the copy in the earlier store goes. */
  private void removeEarlierCopy(String earlierStore, String key) {
    try {
      stores.holding(earlierStore).remove(key).ifPresent(BlobStore.Removal::confirm);
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "The earlier copy of " + key + " in store " + earlierStore
          + " could not be removed; recovery reports it as a stale copy", e);
    }
  }

  /**
   * The largest file this request may store: {@code depot.max-file-size}, or less when the request
   * came with a signed PUT link that names a smaller {@code maxSize}.
   */
  private long maxFileSize() {
    long max = settings.maxFileSize();
    LinkSigner.Link link = access.caller().link();
    return link != null && link.maxSize() != null ? Math.min(max, link.maxSize()) : max;
  }

  private void checkPrecondition(String key, WritePrecondition precondition) {
    if (!precondition.isNone()) {
      precondition.check(storedFiles.findByPath(key));
    }
  }

  private static void checkPrecondition(Optional<StoredFile> current, WritePrecondition precondition) {
    if (!precondition.isNone()) {
      precondition.check(current);
    }
  }

  /** The content type to record: the declared one, or {@value #OCTET_STREAM}; a bad one is INVALID_CONTENT_TYPE. */
  public static String contentType(String declared) {
    if (declared == null || declared.isBlank()) {
      return OCTET_STREAM;
    }
    if (declared.length() > MAX_CONTENT_TYPE || declared.chars().anyMatch(c -> c < 0x20 || c > 0x7e)) {
      throw new DepotException(Problem.INVALID_CONTENT_TYPE, "The content type is longer than " + MAX_CONTENT_TYPE + " characters or not ASCII.");
    }
    return declared;
  }
}
