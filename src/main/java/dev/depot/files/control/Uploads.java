package dev.depot.files.control;

import dev.depot.storage.control.BlobStore;
import dev.depot.storage.control.FileSystemBlobStore;
import dev.depot.storage.control.StagedBlob;
import dev.depot.storage.control.StoragePaths;
import dev.depot.storage.control.SpaceAdmission;
import dev.depot.storage.control.PathLocks;
import dev.depot.storage.control.StoredFiles;
import dev.depot.storage.control.WritePrecondition;

import dev.depot.problem.DepotException;
import dev.depot.problem.Problem;

import dev.depot.config.DepotSettings;
import dev.depot.config.StorageLayout;
import dev.depot.storage.entity.StoredFile;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Stores one stream under one path: stage (outside any transaction and lock), then under the path's
 * lock publish atomically and record the row; if the row cannot be committed the publish is undone,
 * so a file and its row succeed or fail together.
 */
@ApplicationScoped
public class Uploads {

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
   * {@link DepotException} ({@code UPLOAD_INCOMPLETE}); nothing is stored.
   */
  public Stored storeBody(Upload upload) {
    try {
      return store(upload);
    } catch (IOException e) {
      throw new DepotException(Problem.UPLOAD_INCOMPLETE, "The request body ended before it was complete.", e);
    }
  }

  /**
   * Stores one stream.
   *
   * @throws IOException only when reading {@code upload.body()} fails; the caller knows what that
   *     means (a client abort, a malformed multipart body)
   */
  public Stored store(Upload upload) throws IOException {
    String key = StoragePaths.key(upload.key());
    StorageLayout layout = layout();
    BlobStore store = new FileSystemBlobStore(layout, settings.fsync());
    store.checkWritable(key);
    contentType(upload.contentType()); // refuse a bad one before reading the body
    long max = settings.maxFileSize();
    if (upload.declaredLength() > max) {
      throw new DepotException(Problem.UPLOAD_TOO_LARGE, "The file is larger than the limit of " + max + " bytes.");
    }
    checkPrecondition(key, upload.precondition()); // fail fast; checked again under the lock
    try (SpaceAdmission.Ticket ticket = admission.admit(layout.results(), upload.declaredLength())) {
      ClientDigests.Verifier digests = upload.digests().verifier(ticket.watch(upload.body()));
      try (StagedBlob staged = store.stage(digests.stream(), max)) {
        if (upload.declaredLength() >= 0 && staged.size() != upload.declaredLength()) {
          throw new DepotException(Problem.UPLOAD_INCOMPLETE, 
              "Received " + staged.size() + " bytes of the " + upload.declaredLength() + " declared.");
        }
        digests.verify(staged.sha256()); // a mismatch discards the staged blob: nothing replaced, no row
        return publish(store, key, staged, upload);
      }
    }
  }

  private Stored publish(BlobStore store, String key, StagedBlob staged, Upload upload) {
    String contentType = contentType(upload.contentType());
    String originalFilename = upload.originalFilename();
    if (originalFilename != null && originalFilename.length() > MAX_ORIGINAL_FILENAME) {
      originalFilename = originalFilename.substring(0, MAX_ORIGINAL_FILENAME);
    }
    ReentrantLock lock = locks.forPath(key);
    lock.lock();
    try {
      checkPrecondition(key, upload.precondition()); // spares a publish and undo when it fails here
      BlobStore.Publication publication = store.publish(staged, key);
      try {
        // Databases keep microseconds (PostgreSQL, H2 TIMESTAMP(6)): truncate first, so the answer
        // holds the very instant a later read of the row returns.
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        StoredFiles.Recorded row;
        try {
          row = storedFiles.record(
              key, staged.size(), staged.sha256(), contentType, originalFilename, now, upload.precondition());
        } catch (StoredFiles.PathTakenException e) {
          // A row for this path was committed after record() looked: read it now, in a new transaction,
          // and check the precondition against it (a create-only write then fails with 412, an
          // unconditional one replaces it) rather than answering 500 for a write that can succeed.
          row = storedFiles.record(
              key, staged.size(), staged.sha256(), contentType, originalFilename, now, upload.precondition());
        }
        publication.confirm();
        return new Stored(row.file(), row.created());
      } catch (RuntimeException e) {
        publication.rollback();
        throw e;
      }
    } finally {
      lock.unlock();
    }
  }

  private void checkPrecondition(String key, WritePrecondition precondition) {
    if (!precondition.isNone()) {
      precondition.check(storedFiles.findByPath(key));
    }
  }

  private static String contentType(String declared) {
    if (declared == null || declared.isBlank()) {
      return OCTET_STREAM;
    }
    if (declared.length() > MAX_CONTENT_TYPE || declared.chars().anyMatch(c -> c < 0x20 || c > 0x7e)) {
      throw new DepotException(Problem.INVALID_CONTENT_TYPE, "The content type is longer than " + MAX_CONTENT_TYPE + " characters or not ASCII.");
    }
    return declared;
  }

  StorageLayout layout() {
    try {
      return settings.layout();
    } catch (UncheckedIOException e) {
      throw new DepotException(Problem.STORAGE_FAILURE, "The server's storage is not available.", e);
    }
  }
}
