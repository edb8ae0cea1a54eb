package dev.depot.files.control;

import dev.depot.problem.DepotException;
import dev.depot.problem.Problem;
import dev.depot.storage.control.BlobStore;
import dev.depot.storage.control.FileSystemBlobStore;
import dev.depot.storage.control.PathLocks;
import dev.depot.storage.control.StoragePaths;
import dev.depot.storage.control.StoredFiles;
import dev.depot.storage.control.Stores;
import dev.depot.storage.control.WritePrecondition;
import dev.depot.storage.entity.StoredFile;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import dev.depot.config.DepotSettings;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Logger;

/**
 * Reads stored files: their row ({@link #describe}) and their bytes ({@link #open}). The row is the
 * truth about what is stored: a path with no row is unknown, even if a file happens to be there.
 */
@ApplicationScoped
public class Downloads {

  private static final Logger LOG = Logger.getLogger(Downloads.class.getName());

  @Inject DepotSettings settings;
  @Inject StoredFiles storedFiles;
  @Inject Stores stores;
  @Inject PathLocks locks;

  /**
   * A stored file's row and its bytes, opened together; close it when done. {@link #copyTo} cuts off a
   * reader slower than {@code depot.min-transfer-rate}.
   */
  public record Download(StoredFile file, BlobStore.Content content, long minRate, Duration rateWindow) implements AutoCloseable {

    /** Copies {@code length} bytes from {@code offset} to {@code out}; see {@link BlobStore.Content#copyTo}. */
    public void copyTo(OutputStream out, long offset, long length) throws IOException {
      content.copyTo(MinimumRate.guard(out, minRate, rateWindow), offset, length);
    }

    @Override
    public void close() {
      content.close();
    }
  }

  /**
   * @throws DepotException INVALID_PATH if {@code path} is not a valid key, NOT_FOUND if nothing is
   *     stored there
   */
  public StoredFile describe(String path) {
    String key = StoragePaths.key(path);
    return storedFiles.findByPath(key).orElseThrow(() -> unknown());
  }

  /**
   * Opens a stored file. Row and bytes are taken under the path's lock, which every writer holds while
   * it publishes and commits, so the row (size, SHA-256, type) describes exactly the bytes opened; a
   * replace or delete after that does not change what the open content reads. When the file's
   * fingerprint (size and modification time as published) differs from the row's — a row an older
   * Depot wrote, or a commit whose outcome was unknown (issue 11, item 3) — the bytes are hashed before
   * any is sent: a match is remembered, a mismatch corrects the row, so a download never sends bytes
   * whose SHA-256 differs from its ETag.
   *
   * @throws DepotException NOT_FOUND if nothing is stored there, STORE_UNAVAILABLE if its store is not
   *     reachable, STORAGE_FAILURE if the row's file is missing (logged)
   */
  public Download open(String path) {
    String key = StoragePaths.key(path);
    StoredFile file;
    BlobStore.Content content;
    ReentrantLock lock = locks.forPath(key);
    lock.lock();
    try {
      file = storedFiles.findByPath(key).orElseThrow(() -> unknown());
      content = stores.holding(file).open(key).orElseThrow(() -> inconsistent(key, "its row exists but its file does not"));
    } finally {
      lock.unlock();
    }
    long rate = settings.minTransferRate();
    Duration window = settings.minTransferRateWindow();
    if (content.size() == file.getSize() && Objects.equals(file.getFileMtimeNs(), content.mtimeNs())) {
      return new Download(file, content, rate, window);
    }
    try {
      return new Download(verified(key, file, content), content, rate, window);
    } catch (RuntimeException e) {
      content.close();
      throw e;
    }
  }

  /** The row that describes {@code content}'s bytes, after reading them (outside the lock: the content stays open). */
  private StoredFile verified(String key, StoredFile file, BlobStore.Content content) {
    String sha256 = FileSystemBlobStore.sha256Of(content);
    if (sha256.equals(file.getSha256()) && content.size() == file.getSize()) {
      storedFiles.confirmFingerprint(key, sha256, content.size(), content.mtimeNs());
      return file;
    }
    LOG.severe(() -> "Stored file " + key + " does not hold the bytes its row describes (row sha256 " + file.getSha256()
        + ", " + file.getSize() + " bytes; file sha256 " + sha256 + ", " + content.size() + " bytes); the row is corrected");
    ReentrantLock lock = locks.forPath(key);
    lock.lock();
    try {
      // Only the row looked at is corrected: a writer that replaced it meanwhile has the newer truth.
      return storedFiles.record(
              key, new StoredFiles.Bytes(content.size(), sha256, file.getStoreId(), content.mtimeNs()),
              file.getContentType(), file.getOriginalFilename(), Instant.now().truncatedTo(ChronoUnit.MICROS),
              new WritePrecondition(WritePrecondition.Versions.of(Set.of(file.getSha256())), null), null)
          .file();
    } catch (DepotException e) {
      if (e.is(Problem.PRECONDITION_FAILED)) {
        throw new DepotException(Problem.STORE_UNAVAILABLE, "The file changed while it was checked; try again.", e);
      }
      throw e;
    } finally {
      lock.unlock();
    }
  }

  private static DepotException unknown() {
    return new DepotException(Problem.NOT_FOUND, "No file is stored at this path.");
  }

  private static DepotException inconsistent(String key, String what) {
    LOG.severe(() -> "Stored file " + key + " is inconsistent: " + what);
    return new DepotException(Problem.STORAGE_FAILURE, "The server could not read the stored file.");
  }
}
