package dev.depot.files.control;

import dev.depot.problem.DepotException;
import dev.depot.problem.Problem;
import dev.depot.storage.control.BlobStore;
import dev.depot.storage.control.PathLocks;
import dev.depot.storage.control.StoragePaths;
import dev.depot.storage.control.StoredFiles;
import dev.depot.storage.control.Stores;
import dev.depot.storage.control.WritePrecondition;
import dev.depot.storage.entity.StoredFile;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Logger;

/**
 * Deletes stored files: file and row go together. Under the path's lock the file is renamed aside (in
 * the store that holds it), then the row is deleted; if that commit fails the file is put back, so a
 * failed delete changes nothing. Readers that opened the file before finish reading it.
 */
@ApplicationScoped
public class Removals {

  private static final Logger LOG = Logger.getLogger(Removals.class.getName());

  @Inject StoredFiles storedFiles;
  @Inject Stores stores;
  @Inject PathLocks locks;

  /**
   * @throws DepotException NOT_FOUND if nothing is stored at {@code path}, PRECONDITION_FAILED if the
   *     current version does not satisfy {@code precondition}
   */
  public void remove(String path, WritePrecondition precondition) {
    String key = StoragePaths.key(path);
    ReentrantLock lock = locks.forPath(key);
    lock.lock();
    try {
      Optional<StoredFile> row = storedFiles.findByPath(key);
      if (row.isEmpty()) {
        // Before the precondition: a request that would fail without its conditions ignores them
        // (RFC 9110 §13.2.1), so deleting nothing is a 404 whatever If-Match/If-Unmodified-Since say.
        throw new DepotException(Problem.NOT_FOUND, "No file is stored at this path.");
      }
      precondition.check(row);
      Optional<BlobStore.Removal> removal = stores.holding(row.get()).remove(key);
      if (removal.isEmpty()) {
        // The row outlived its file (removed by hand?): deleting the row makes them agree again.
        LOG.warning(() -> "Stored file " + key + " had a row but no file; deleting the row");
      }
      try {
        storedFiles.delete(key);
      } catch (RuntimeException e) {
        removal.ifPresent(BlobStore.Removal::rollback);
        throw e;
      }
      removal.ifPresent(BlobStore.Removal::confirm);
    } finally {
      lock.unlock();
    }
  }
}
