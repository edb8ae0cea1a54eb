package dev.depot.storage.control;

import dev.depot.problem.DepotException;
import dev.depot.problem.Problem;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The received bytes of resumable uploads (issue 14): one owner-only file per upload in {@value
 * #DIRECTORY} inside the store's temp directory, so on the results filesystem (completion is a link
 * and a rename, never a copy) and out of reach of the startup sweep of staged files, which must not eat
 * an upload that is waiting to be resumed. The caller keeps each upload's state (its committed offset)
 * and decides offsets, limits and locking; this class only appends, cuts back, and hands a complete
 * file over as a {@link StagedBlob} for the store's normal publish.
 *
 * <p>A file may be longer than its committed offset: bytes written by a PATCH whose offset never
 * committed (a crash, a failed checksum). Every append first cuts the file back to the offset it is
 * given, so such a tail is never counted.
 */
public final class PartialFiles {

  /** The directory, inside the store's temp directory, that holds partial uploads. */
  public static final String DIRECTORY = ".depot-resumable";

  /** An upload id: what Depot makes (a UUID), nothing that could name another file. */
  private static final Pattern ID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

  private final FileSystemBlobStore store;
  private final Path dir;
  private final boolean fsync;
  private final FileSystemBlobStore.Syncer syncer;

  PartialFiles(FileSystemBlobStore store, Path temp, boolean fsync, FileSystemBlobStore.Syncer syncer) {
    this.store = store;
    this.dir = temp.resolve(DIRECTORY);
    this.fsync = fsync;
    this.syncer = syncer;
  }

  /** What one append did: the bytes now on disk (durable when fsync is on) and why it stopped early, if it did. */
  public record Appended(long bytes, IOException broken) {}

  /** Creates the empty file of a new upload. */
  public void create(String id) {
    try {
      if (!Files.isDirectory(dir)) {
        Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      }
      try (FileChannel created = FileChannel.open(file(id), java.util.Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))) {
        if (fsync) {
          syncer.force(created, false);
        }
      }
    } catch (IOException e) {
      throw FileSystemBlobStore.storageFailure(e);
    }
  }

  /** The file's size now, or -1 when it is gone. */
  public long size(String id) {
    try {
      return Files.size(file(id));
    } catch (NoSuchFileException e) {
      return -1;
    } catch (IOException e) {
      throw FileSystemBlobStore.storageFailure(e);
    }
  }

  /**
   * Appends {@code source} at {@code offset}, continuing {@code sha256}; a tail beyond {@code offset}
   * (never committed) is cut off first. With fsync on, what was appended is forced to disk before this
   * returns, so the caller may commit {@code offset + bytes}.
   *
   * @param keepOnBreak whether bytes that arrived before the source broke off are kept (and the break
   *     reported in {@link Appended#broken()}), or the append fails as a whole
   * @throws IOException only when reading {@code source} fails and {@code keepOnBreak} is false; the
   *     file is then cut back to {@code offset} and {@code sha256} must be discarded. Storage failures are
   *     {@link DepotException}s, after the same cut.
   */
  public Appended append(String id, long offset, InputStream source, long maxBytes, MessageDigest sha256, List<MessageDigest> also,
      boolean keepOnBreak) throws IOException {
    Path file = file(id);
    boolean done = false;
    try (FileChannel out = FileChannel.open(file, StandardOpenOption.WRITE)) {
      long size = out.size();
      if (size < offset) {
        throw new DepotException(Problem.UPLOAD_GONE, "The upload's received bytes are gone; start it again.");
      }
      if (size > offset) {
        out.truncate(offset);
      }
      out.position(offset);
      DigestingCopy.Copied copied = DigestingCopy.resume(source, out, maxBytes, sha256, also, fsync);
      if (copied.broken() != null && !keepOnBreak) {
        throw new DigestingCopy.SourceFailure(copied.broken()); // all or nothing: the finally below cuts what arrived off again
      }
      if (fsync) {
        syncer.force(out, false);
      }
      done = true;
      return new Appended(copied.size(), copied.broken());
    } catch (DigestingCopy.SourceFailure e) {
      throw e.getCause();
    } catch (NoSuchFileException e) {
      throw new DepotException(Problem.UPLOAD_GONE, "The upload's received bytes are gone; start it again.", e);
    } catch (IOException e) {
      throw FileSystemBlobStore.storageFailure(e);
    } finally {
      if (!done) {
        cutBackQuietly(file, offset);
      }
    }
  }

  /** Cuts the file back to {@code size}: a chunk refused after it was written (a checksum mismatch). */
  public void truncate(String id, long size) {
    try (FileChannel out = FileChannel.open(file(id), StandardOpenOption.WRITE)) {
      if (out.size() > size) {
        out.truncate(size);
        if (fsync) {
          syncer.force(out, false);
        }
      }
    } catch (IOException e) {
      throw FileSystemBlobStore.storageFailure(e);
    }
  }

  /**
   * The SHA-256 state of the first {@code length} bytes: read again from disk, for an upload resumed
   * after a restart (the running state lives in memory).
   */
  public MessageDigest digestOf(String id, long length) {
    MessageDigest sha256 = FileSystemBlobStore.sha256();
    try (InputStream in = Files.newInputStream(file(id))) {
      byte[] buffer = new byte[DigestingCopy.BUFFER_SIZE];
      long left = length;
      while (left > 0) {
        int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
        if (n < 0) {
          throw new DepotException(Problem.UPLOAD_GONE, "The upload's received bytes are gone; start it again.");
        }
        sha256.update(buffer, 0, n);
        left -= n;
      }
      return sha256;
    } catch (NoSuchFileException e) {
      throw new DepotException(Problem.UPLOAD_GONE, "The upload's received bytes are gone; start it again.", e);
    } catch (IOException e) {
      throw FileSystemBlobStore.storageFailure(e);
    }
  }

  /**
   * A complete upload as a staged blob for {@link FileSystemBlobStore#publish}: a hard link to its file
   * under a staging name, so that a publish that fails and is undone leaves the upload's own file as it
   * was. Delete the upload's file once the publish is confirmed (the published file keeps the bytes).
   */
  public StagedBlob stage(String id, long size, String sha256) {
    String name = Staging.name(Staging.UPLOAD);
    Path staged = dir.getParent().resolve(name);
    try {
      Files.createLink(staged, file(id));
      BasicFileAttributes attributes = Files.readAttributes(staged, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      if (attributes.size() != size) {
        FileSystemBlobStore.deleteQuietly(staged);
        throw new DepotException(Problem.STORAGE_FAILURE, "The upload's received bytes do not match its offset.");
      }
      return new StagedBlob(staged, name, size, sha256, FileSystemBlobStore.mtimeNs(attributes));
    } catch (IOException e) {
      FileSystemBlobStore.deleteQuietly(staged);
      throw FileSystemBlobStore.storageFailure(e);
    }
  }

  /**
   * The files of {@code ids}, one after the other, as one new staged blob with its SHA-256 (the final
   * upload of the concatenation extension).
   */
  public StagedBlob concatenate(List<String> ids, long maxBytes) {
    List<InputStream> parts = new ArrayList<>();
    try {
      for (String id : ids) {
        parts.add(Files.newInputStream(file(id)));
      }
      return store.stage(new java.io.SequenceInputStream(java.util.Collections.enumeration(parts)), maxBytes);
    } catch (NoSuchFileException e) {
      throw new DepotException(Problem.UPLOAD_GONE, "A partial upload's received bytes are gone.", e);
    } catch (IOException e) {
      throw FileSystemBlobStore.storageFailure(e);
    } finally {
      for (InputStream part : parts) {
        try {
          part.close();
        } catch (IOException ignored) {
          // read-only
        }
      }
    }
  }

  /** Whether the upload's file was last written before {@code cutoff} (false if it is gone). */
  public boolean modifiedBefore(String id, java.time.Instant cutoff) {
    try {
      return Files.getLastModifiedTime(file(id)).toInstant().isBefore(cutoff);
    } catch (IOException e) {
      return false;
    }
  }

  /** Deletes the upload's file; nothing if it is gone. */
  public void delete(String id) {
    FileSystemBlobStore.deleteQuietly(file(id));
  }

  /** The ids of every upload file here (for the sweep of files without a row). */
  public List<String> ids() {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".part"))
          .map(n -> n.substring(0, n.length() - ".part".length())).filter(n -> ID.matcher(n).matches()).toList();
    } catch (IOException e) {
      throw FileSystemBlobStore.storageFailure(e);
    }
  }

  /** Whether {@code id} is an upload id (what Depot makes): anything else names no upload. */
  public static boolean isId(String id) {
    return id != null && ID.matcher(id).matches();
  }

  private Path file(String id) {
    if (!isId(id)) {
      throw new IllegalArgumentException("not an upload id");
    }
    return dir.resolve(id + ".part");
  }

  private void cutBackQuietly(Path file, long offset) {
    try (FileChannel out = FileChannel.open(file, StandardOpenOption.WRITE)) {
      if (out.size() > offset) {
        out.truncate(offset);
      }
    } catch (IOException ignored) {
      // the next append cuts the tail off again
    }
  }
}
