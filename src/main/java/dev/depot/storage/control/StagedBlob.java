package dev.depot.storage.control;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A complete, fsynced, not yet visible upload: its temp file, size and SHA-256 (lowercase hex). {@link
 * #discard()} removes the temp file if it was not published; it is safe to call more than once.
 */
public final class StagedBlob implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(StagedBlob.class.getName());

  private final Path file;
  private final long size;
  private final String sha256;

  StagedBlob(Path file, long size, String sha256) {
    this.file = file;
    this.size = size;
    this.sha256 = sha256;
  }

  Path file() {
    return file;
  }

  public long size() {
    return size;
  }

  public String sha256() {
    return sha256;
  }

  public void discard() {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      LOG.log(Level.WARNING, "Could not delete staged upload " + file, e);
    }
  }

  @Override
  public void close() {
    discard();
  }
}
