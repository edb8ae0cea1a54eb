package dev.depot.storage.control;

import dev.depot.problem.DepotException;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Optional;

/**
 * Depot's storage engine: bytes in, under a key. It knows nothing of HTTP or metadata; the caller
 * validates keys and sets limits (as in tusd's DataStore contract).
 *
 * <p>A write has two steps so that metadata can be committed in between: {@link #stage} streams the
 * bytes to a private temp file on the destination filesystem, computing size and SHA-256 on the way;
 * {@link #publish} makes the staged file visible under its key by one atomic rename, and returns a
 * {@link Publication} that can still be undone until it is confirmed. Removing works the same way.
 * Reading opens the content as it is at that moment: a later replace or remove does not change what
 * an open {@link Content} reads.
 */
public interface BlobStore {

  /** The id of the store (the results directory) this writes to and reads from; rows record it. */
  String id();

  /**
   * Streams {@code source} to a new staged blob.
   *
   * @param also further digests to compute over the same bytes, in the same pass (a client's MD5 or
   *     SHA-512); SHA-256 is always computed
   * @param maxBytes stop and fail with {@link DepotException} ({@code UPLOAD_TOO_LARGE}) once more bytes than this arrive
   * @throws IOException only for failures <em>reading</em> {@code source} (the caller decides what
   *     they mean); storage failures are {@link DepotException}s
   *     ({@code INSUFFICIENT_STORAGE} or {@code STORAGE_FAILURE}). On any failure nothing is left behind.
   */
  StagedBlob stage(InputStream source, long maxBytes, java.util.List<java.security.MessageDigest> also) throws IOException;

  /** {@link #stage(InputStream, long, java.util.List)} with SHA-256 only. */
  default StagedBlob stage(InputStream source, long maxBytes) throws IOException {
    return stage(source, maxBytes, java.util.List.of());
  }

  /**
   * Fails fast, before any byte is read, if {@code key} cannot be written (a link on the way, a
   * directory in place, a file where a directory is needed).
   */
  void checkWritable(String key);

  /** Atomically makes {@code blob} the content of {@code key}, replacing any previous content. */
  Publication publish(StagedBlob blob, String key);

  /**
   * Opens the current content of {@code key} for reading.
   *
   * @return empty if nothing is stored under the key
   */
  Optional<Content> open(String key);

  /**
   * Atomically takes the content of {@code key} away; it can be put back until the removal is
   * confirmed.
   *
   * @return empty if nothing is stored under the key
   */
  Optional<Removal> remove(String key);

  /** Stored bytes, open for reading; close it when done. */
  interface Content extends AutoCloseable {

    /** Size in bytes of the content that was opened. */
    long size();

    /** The modification time of the content that was opened, in nanoseconds since the epoch. */
    long mtimeNs();

    /**
     * Copies {@code length} bytes starting at {@code offset} to {@code out}, through a fixed buffer.
     *
     * @throws IOException only if writing to {@code out} fails (the reader went away); a failure to
     *     read the stored bytes is a {@link DepotException} ({@code STORAGE_FAILURE})
     */
    void copyTo(OutputStream out, long offset, long length) throws IOException;

    @Override
    void close();
  }

  /** An atomic removal that is not yet final. */
  interface Removal {

    /** Makes the removal final. */
    void confirm();

    /** Undoes the removal: the content comes back under its key. */
    void rollback();
  }

  /** An atomic publish that is not yet final. */
  interface Publication {

    /** True if the key held content before (which {@link #rollback} would restore). */
    boolean replaced();

    /** Makes the publish final (drops what would have been restored). */
    void confirm();

    /** Undoes the publish: the previous content comes back, or the key is empty again. */
    void rollback();
  }
}
