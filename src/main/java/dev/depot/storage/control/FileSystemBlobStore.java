package dev.depot.storage.control;

import dev.depot.problem.DepotException;
import dev.depot.problem.Problem;

import dev.depot.config.StorageLayout;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@link BlobStore} on a local filesystem: a key is a relative path under the results directory.
 *
 * <p>Staging writes to an owner-only (0600) temp file in the temp directory, which by default lives
 * inside the results directory so that publishing is a real {@code rename(2)}: readers see the old
 * file or the new one, never a partial one. Replacing keeps a hard link to the old file until the
 * caller confirms, so a failed metadata commit can put it back.
 */
public final class FileSystemBlobStore implements BlobStore {

  private static final Logger LOG = Logger.getLogger(FileSystemBlobStore.class.getName());

  /** Copy buffer: large enough that syscalls and digest calls are amortised, small enough to not matter. */
  static final int BUFFER_SIZE = 256 * 1024;

  /**
   * Orders the creation of parent directories (publish, shared) against the removal of empty ones
   * (after a delete, exclusive): without it, a delete could remove a directory between a publisher
   * creating it and renaming its file into it. One per JVM, like the filesystem it guards; the
   * exclusive side only runs {@code rmdir(2)} on directories a delete just emptied.
   */
  static final ReentrantReadWriteLock DIRECTORIES = new ReentrantReadWriteLock();

  private final StorageLayout layout;
  private final boolean fsync;

  public FileSystemBlobStore(StorageLayout layout, boolean fsync) {
    this.layout = layout;
    this.fsync = fsync;
  }

  @Override
  public StagedBlob stage(InputStream source, long maxBytes) throws IOException {
    Path temp = createTempFile();
    boolean done = false;
    try (FileChannel out = FileChannel.open(temp, StandardOpenOption.WRITE)) {
      MessageDigest sha256 = sha256();
      byte[] buffer = new byte[BUFFER_SIZE];
      ByteBuffer view = ByteBuffer.wrap(buffer);
      long total = 0;
      int n;
      while ((n = fill(source, buffer)) > 0) { // read failures propagate: they are the source's
        total += n;
        if (total > maxBytes) {
          throw new DepotException(Problem.UPLOAD_TOO_LARGE, "The file is larger than the limit of " + maxBytes + " bytes.");
        }
        sha256.update(buffer, 0, n);
        view.clear().limit(n);
        write(out, view);
      }
      if (fsync) {
        force(out);
      }
      done = true;
      return new StagedBlob(temp, total, HexFormat.of().formatHex(sha256.digest()));
    } finally {
      if (!done) {
        deleteQuietly(temp);
      }
    }
  }

  @Override
  public void checkWritable(String key) {
    Path target = StoragePaths.resolve(layout.results(), key);
    if (target.startsWith(layout.temp())) {
      throw new DepotException(Problem.INVALID_PATH, "The path is reserved.");
    }
  }

  @Override
  public Publication publish(StagedBlob blob, String key) {
    checkWritable(key);
    Path target = StoragePaths.resolve(layout.results(), key);
    // Shared with other publishers, exclusive against the removal of empty directories: the parents
    // created here stay until the rename into them is done.
    DIRECTORIES.readLock().lock();
    try {
      return publishLocked(blob, key, target);
    } catch (AtomicMoveNotSupportedException e) {
      LOG.log(Level.SEVERE, "depot.temp-dir and depot.results-dir are on different filesystems", e);
      throw new DepotException(Problem.STORAGE_FAILURE, "The server's storage is misconfigured.", e);
    } catch (IOException e) {
      throw storageFailure(e);
    } finally {
      DIRECTORIES.readLock().unlock();
    }
  }

  private Publication publishLocked(StagedBlob blob, String key, Path target) throws IOException {
    createParents(target);
    // Re-check now that parents exist: a link planted meanwhile must not be followed.
    StoragePaths.resolve(layout.results(), key);
    Path backup = null;
    if (Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS)) {
      backup = layout.temp().resolve("replaced-" + UUID.randomUUID() + ".bak");
      Files.createLink(backup, target);
    }
    try {
      Files.move(blob.file(), target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      if (backup != null) {
        deleteQuietly(backup);
      }
      throw e;
    }
    if (fsync) {
      fsyncDirectory(target.getParent());
    }
    return new FilePublication(target, backup);
  }

  @Override
  public Optional<Content> open(String key) {
    Path target = StoragePaths.resolve(layout.results(), key);
    try {
      return Optional.of(FileContent.open(target));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      LOG.log(Level.SEVERE, "Storage I/O failure", e);
      throw new DepotException(Problem.STORAGE_FAILURE, "The server could not read the stored file.", e);
    }
  }

  @Override
  public Optional<Removal> remove(String key) {
    Path target = StoragePaths.resolve(layout.results(), key);
    if (!Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS)) {
      return Optional.empty();
    }
    Path aside = layout.temp().resolve("removed-" + UUID.randomUUID() + ".bak");
    try {
      // A rename, not a delete: readers that opened the file keep reading it, and a failed metadata
      // commit can put it back.
      Files.move(target, aside, StandardCopyOption.ATOMIC_MOVE);
      if (fsync) {
        fsyncDirectory(target.getParent());
      }
      return Optional.of(new FileRemoval(layout.results(), target, aside));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      LOG.log(Level.SEVERE, "Storage I/O failure", e);
      throw new DepotException(Problem.STORAGE_FAILURE, "The server could not remove the stored file.", e);
    }
  }

  private Path createTempFile() {
    try {
      return Files.createTempFile(
          layout.temp(),
          "upload-",
          ".part",
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (IOException e) {
      throw storageFailure(e);
    }
  }

  private void createParents(Path target) throws IOException {
    Path parent = target.getParent();
    if (Files.isDirectory(parent, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    Path current = layout.results();
    for (Path segment : layout.results().relativize(parent)) {
      current = current.resolve(segment);
      try {
        Files.createDirectory(current);
      } catch (FileAlreadyExistsException e) {
        // One look per directory, links not followed: a link is not a directory.
        if (!Files.readAttributes(current, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).isDirectory()) {
          throw new DepotException(Problem.PATH_CONFLICT, "A parent of the path is a file.");
        }
      }
    }
  }

  /**
   * Reads until the buffer is full or the stream ends; returns the bytes read (0 at the end). The
   * sources hand out far less than the buffer per read (fileupload2's part stream at most 4 KiB, the
   * container's request stream one network read), and one {@code write(2)} plus one digest call per
   * few KiB cost more than the bytes themselves: multipart ran at 2.6x the time of a PUT before this
   * (docs/benchmarks.md, "Tuning").
   */
  private static int fill(InputStream source, byte[] buffer) throws IOException {
    int filled = 0;
    while (filled < buffer.length) {
      int n = source.read(buffer, filled, buffer.length - filled);
      if (n < 0) {
        break;
      }
      filled += n;
    }
    return filled;
  }

  private static void write(FileChannel out, ByteBuffer data) {
    try {
      while (data.hasRemaining()) {
        out.write(data);
      }
    } catch (IOException e) {
      throw storageFailure(e);
    }
  }

  private static void force(FileChannel out) {
    try {
      out.force(true);
    } catch (IOException e) {
      throw storageFailure(e);
    }
  }

  private static void fsyncDirectory(Path dir) throws IOException {
    // Makes the rename itself durable (POSIX: the directory entry lives in the directory).
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException e) {
      LOG.log(Level.FINE, "directory fsync not supported here", e);
    }
  }

  /** ENOSPC and EDQUOT are the client-visible "no room" case (507); anything else is ours (500). */
  static RuntimeException storageFailure(IOException e) {
    String message = String.valueOf(e.getMessage());
    if (message.contains("No space left on device") || message.contains("Disk quota exceeded")) {
      return new DepotException(Problem.INSUFFICIENT_STORAGE, "The server has no room left to store this upload.", e);
    }
    LOG.log(Level.SEVERE, "Storage I/O failure", e);
    return new DepotException(Problem.STORAGE_FAILURE, "The server could not store the upload.", e);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      LOG.log(Level.WARNING, "Could not delete " + file, e);
    }
  }

  /**
   * Deletes the parent directories of {@code file} while they are empty, up to (not including)
   * {@code results}: a deleted or withdrawn file leaves no trace, and a directory's path can later
   * hold a file. {@code rmdir(2)} refuses a directory that is not empty, so no file is ever lost; and
   * under {@link #DIRECTORIES} no publish is between creating a directory and renaming into it.
   */
  static void removeEmptyParents(Path results, Path file) {
    DIRECTORIES.writeLock().lock();
    try {
      for (Path dir = file.getParent(); dir != null && dir.startsWith(results) && !dir.equals(results); dir = dir.getParent()) {
        try {
          Files.delete(dir);
        } catch (DirectoryNotEmptyException | NoSuchFileException e) {
          return;
        } catch (IOException e) {
          LOG.log(Level.FINE, "Could not remove the empty directory " + dir, e);
          return;
        }
      }
    } finally {
      DIRECTORIES.writeLock().unlock();
    }
  }

  private final class FilePublication implements Publication {
    private final Path target;
    private final Path backup;

    FilePublication(Path target, Path backup) {
      this.target = target;
      this.backup = backup;
    }

    @Override
    public boolean replaced() {
      return backup != null;
    }

    @Override
    public void confirm() {
      if (backup != null) {
        deleteQuietly(backup);
      }
    }

    @Override
    public void rollback() {
      try {
        if (backup != null) {
          Files.move(backup, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } else {
          Files.deleteIfExists(target);
          removeEmptyParents(layout.results(), target); // the directories this publish created, if any
        }
      } catch (IOException e) {
        LOG.log(Level.SEVERE, "Could not roll back the publish of " + target, e);
      }
    }
  }
}
