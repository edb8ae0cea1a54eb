package dev.depot.files.control;

import dev.depot.storage.control.BlobStore;
import dev.depot.storage.control.BlobStores;
import dev.depot.storage.control.StoragePaths;
import dev.depot.storage.control.PathLocks;
import dev.depot.storage.control.StoredFiles;

import dev.depot.problem.DepotException;
import dev.depot.problem.Problem;

import dev.depot.storage.entity.StoredFile;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Logger;

/**
 * Reads stored files: their row ({@link #describe}) and their bytes ({@link #open}). The row is the
 * truth about what is stored: a path with no row is unknown, even if a file happens to be there.
 */
@ApplicationScoped
public class Downloads {

  private static final Logger LOG = Logger.getLogger(Downloads.class.getName());

  @Inject StoredFiles storedFiles;
  @Inject BlobStores blobStores;
  @Inject PathLocks locks;

  /** A stored file's row and its bytes, opened together; close it when done. */
  public record Download(StoredFile file, BlobStore.Content content) implements AutoCloseable {
    @Override
    public void close() {
      content.close();
    }
  }

  /**
   * @throws DepotException INVALID_PATH if {@code path} is not a valid key
   * @throws DepotException NOT_FOUND if nothing is stored there
   */
  public StoredFile describe(String path) {
    String key = StoragePaths.key(path);
    return storedFiles.findByPath(key).orElseThrow(() -> unknown());
  }

  /**
   * Opens a stored file. Row and bytes are taken under the path's lock, which every writer holds while
   * it publishes and commits, so the row (size, SHA-256, type) describes exactly the bytes opened; a
   * replace or delete after that does not change what the open content reads. Nothing is read yet.
   *
   * @throws DepotException NOT_FOUND if nothing is stored there
   * @throws DepotException STORAGE_FAILURE if the row's file is missing or differs in size (logged)
   */
  public Download open(String path) {
    String key = StoragePaths.key(path);
    BlobStore store = blobStores.current();
    ReentrantLock lock = locks.forPath(key);
    lock.lock();
    try {
      StoredFile file = storedFiles.findByPath(key).orElseThrow(() -> unknown());
      BlobStore.Content content =
          store.open(key).orElseThrow(() -> inconsistent(key, "its row exists but its file does not"));
      if (content.size() != file.getSize()) {
        content.close();
        throw inconsistent(key, "its file has " + content.size() + " bytes, its row says " + file.getSize());
      }
      return new Download(file, content);
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
