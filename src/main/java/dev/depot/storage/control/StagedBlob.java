package dev.depot.storage.control;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A complete, fsynced, not yet visible upload: its file in the store's temp directory, size, SHA-256
 * (lowercase hex) and modification time. {@link #discard()} removes the file if it was not published;
 * it is safe to call more than once.
 */
public final class StagedBlob implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(StagedBlob.class.getName());

  private final Path file;
  private final String name;
  private final long size;
  private final String sha256;
  private final long mtimeNs;

  StagedBlob(Path file, String name, long size, String sha256, long mtimeNs) {
    this.file = file;
    this.name = name;
    this.size = size;
    this.sha256 = sha256;
    this.mtimeNs = mtimeNs;
  }

  Path file() {
    return file;
  }

  /** The file's name in the temp directory. */
  String name() {
    return name;
  }

  public long size() {
    return size;
  }

  public String sha256() {
    return sha256;
  }

  /**
   * The file's modification time in nanoseconds since the epoch; a rename keeps it, so it identifies the
   * published bytes (with the size) in the row.
   */
  public long mtimeNs() {
    return mtimeNs;
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
