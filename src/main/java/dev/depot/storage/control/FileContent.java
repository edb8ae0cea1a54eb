package dev.depot.storage.control;

import dev.depot.problem.DepotException;
import dev.depot.problem.Problem;

import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A stored file open for reading ({@link BlobStore.Content} of {@link FileSystemBlobStore}). The open
 * channel keeps reading the file it opened even if the key is replaced or removed meanwhile (both are
 * renames), so a download never mixes two versions. Copies go through one fixed buffer: memory does not
 * grow with the file or the range.
 */
final class FileContent implements BlobStore.Content {

  private static final Logger LOG = Logger.getLogger(FileContent.class.getName());

  /** Copy buffer: big enough to amortise syscalls, small enough that many downloads don't matter. */
  static final int BUFFER_SIZE = 64 * 1024;

  private final FileChannel channel;
  private final long size;
  private final long mtimeNs;

  FileContent(FileChannel channel, long size, long mtimeNs) {
    this.channel = channel;
    this.size = size;
    this.mtimeNs = mtimeNs;
  }

  @Override
  public long size() {
    return size;
  }

  @Override
  public long mtimeNs() {
    return mtimeNs;
  }

  /** The open channel, for reading the content again (a digest check). */
  FileChannel channel() {
    return channel;
  }

  @Override
  public void copyTo(OutputStream out, long offset, long length) throws IOException {
    if (offset < 0 || length < 0 || offset + length > size) {
      throw new IllegalArgumentException("range " + offset + "+" + length + " outside 0.." + size);
    }
    ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(BUFFER_SIZE, Math.max(1, length)));
    long position = offset;
    long end = offset + length;
    while (position < end) {
      buffer.clear().limit((int) Math.min(buffer.capacity(), end - position));
      int n = read(buffer, position);
      out.write(buffer.array(), 0, n); // an IOException here is the reader's: let the caller see it
      position += n;
    }
  }

  /** Reads at {@code position}; a failure here is the server's, not the reader's. */
  private int read(ByteBuffer buffer, long position) {
    try {
      int n = channel.read(buffer, position);
      if (n < 0) {
        throw new EOFException("stored file ended at " + position + " of " + size + " bytes");
      }
      return n;
    } catch (IOException e) {
      throw new DepotException(Problem.STORAGE_FAILURE, "The server could not read the stored file.", e);
    }
  }

  @Override
  public void close() {
    try {
      channel.close();
    } catch (IOException e) {
      LOG.log(Level.FINE, "closing a stored file failed", e);
    }
  }
}
