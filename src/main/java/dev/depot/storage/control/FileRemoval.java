package dev.depot.storage.control;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A removal by {@link FileSystemBlobStore}: the file was renamed aside into the temp directory (same
 * filesystem), so it can be put back until the caller confirms, and readers that had it open finish.
 * Confirming also removes the parent directories the removal left empty (up to, not including, the
 * results directory): a deleted file leaves no trace, and its directory's path can later hold a file.
 */
final class FileRemoval implements BlobStore.Removal {

  private static final Logger LOG = Logger.getLogger(FileRemoval.class.getName());

  private final Path results;
  private final Path target;
  private final Path aside;

  FileRemoval(Path results, Path target, Path aside) {
    this.results = results;
    this.target = target;
    this.aside = aside;
  }

  @Override
  public void confirm() {
    try {
      Files.deleteIfExists(aside);
    } catch (IOException e) {
      LOG.log(Level.WARNING, "Could not delete removed file " + aside, e);
    }
    FileSystemBlobStore.removeEmptyParents(results, target);
  }

  @Override
  public void rollback() {
    // The caller holds the path's lock, so no writer can have published the key meanwhile; but the
    // removal of another file in the same directory may have removed it: make it again if so.
    FileSystemBlobStore.DIRECTORIES.readLock().lock();
    try {
      Files.createDirectories(target.getParent());
      Files.move(aside, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      LOG.log(Level.SEVERE, "Could not undo the removal of " + target + "; its bytes are in " + aside, e);
    } finally {
      FileSystemBlobStore.DIRECTORIES.readLock().unlock();
    }
  }
}
