package dev.depot.files.control;

import java.io.IOException;
import java.io.InputStream;

/**
 * Depot's storage engine: bytes in, under a key. It knows nothing of HTTP or metadata; the caller
 * validates keys and sets limits (as in tusd's DataStore contract).
 *
 * <p>A write has two steps so that metadata can be committed in between: {@link #stage} streams the
 * bytes to a private temp file on the destination filesystem, computing size and SHA-256 on the way;
 * {@link #publish} makes the staged file visible under its key by one atomic rename, and returns a
 * {@link Publication} that can still be undone until it is confirmed.
 */
public interface BlobStore {

  /**
   * Streams {@code source} to a new staged blob.
   *
   * @param maxBytes stop and fail with {@link UploadTooLargeException} once more bytes than this arrive
   * @throws IOException only for failures <em>reading</em> {@code source} (the caller decides what
   *     they mean); storage failures are {@link InsufficientStorageException} or {@link
   *     StorageFailureException}. On any failure nothing is left behind.
   */
  StagedBlob stage(InputStream source, long maxBytes) throws IOException;

  /**
   * Fails fast, before any byte is read, if {@code key} cannot be written (a link on the way, a
   * directory in place, a file where a directory is needed).
   */
  void checkWritable(String key);

  /** Atomically makes {@code blob} the content of {@code key}, replacing any previous content. */
  Publication publish(StagedBlob blob, String key);

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
