package dev.depot.storage.control;

import dev.depot.problem.DepotException;
import dev.depot.problem.Problem;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.security.MessageDigest;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Copies an upload into its staged file with the digests computed on another thread (issue 12, items
 * 2 and 3). The request's thread receives and writes; a helper hashes what was written (SHA-256, and
 * MD5 or SHA-512 when a client sent such a digest), so on two or more cores receiving, writing and
 * hashing overlap instead of adding up. Buffers go round a ring of {@value #RING} of {@value
 * #BUFFER_SIZE} bytes, allocated as needed, so memory per upload is bounded and constant (a trickling
 * upload uses one). When the upload must be durable, what has been written is also flushed to disk in
 * the background every {@value #WRITE_BEHIND} bytes, so the final fsync only has the tail left to do;
 * the guarantee does not change, the caller still forces the file before it publishes it.
 *
 * <p>A failure on either side stops both: a broken source or a storage error on the request's thread
 * cancels the hashing; nothing is left running once {@link #copy} returns or throws.
 */
final class DigestingCopy {

  /** One buffer of the ring: large enough that syscalls and digest calls are amortised. */
  static final int BUFFER_SIZE = 256 * 1024;

  /** Buffers per upload: one being filled and written, one or two being hashed. */
  static final int RING = 3;

  /** How much is written between two background flushes of a durable upload. */
  static final long WRITE_BEHIND = 64L << 20;

  /**
   * The same for a resumable upload's chunk: tus clients send chunks of a few to 50 MiB and wait for each
   * answer, which comes only after the chunk's final fsync; with the whole-file step a 50 MiB chunk
   * would be flushed all at once while the client waits.
   */
  static final long RESUME_WRITE_BEHIND = 8L << 20;

  private static final AtomicInteger THREADS = new AtomicInteger();

  /**
   * Helpers for hashing and flushing: one task per upload at a time, alive only while it runs. Not the
   * container's managed executor, whose bounded pool would queue an upload's hashing behind other work
   * while the upload waits for it; these tasks need no container context.
   */
  private static final ExecutorService HELPERS = Executors.newCachedThreadPool(daemon());

  private static final Chunk END = new Chunk(new byte[0], 0);

  private record Chunk(byte[] buffer, int length) {}

  /** What was copied: its size and SHA-256 (the other digests were updated in place). */
  record Result(long size, byte[] sha256) {}

  /** A failure reading the source (the request body), told apart from storage failures. */
  static final class SourceFailure extends IOException {
    private static final long serialVersionUID = 1L;

    SourceFailure(IOException cause) {
      super(cause);
    }

    @Override
    public synchronized IOException getCause() {
      return (IOException) super.getCause();
    }
  }

  private DigestingCopy() {}

  /**
   * Copies {@code source} to {@code out} from its start.
   *
   * @param maxBytes more than this is {@code UPLOAD_TOO_LARGE}
   * @param also further digests to update with every byte (a client's MD5 or SHA-512)
   * @param writeBehind flush what was written in the background as the copy goes (durable uploads)
   * @throws SourceFailure if reading the source fails
   * @throws IOException if writing or flushing fails
   */
  static Result copy(InputStream source, FileChannel out, long maxBytes, List<MessageDigest> also, boolean writeBehind)
      throws IOException {
    MessageDigest sha256 = FileSystemBlobStore.sha256();
    Copied copied = run(source, out, maxBytes, sha256, also, writeBehind ? WRITE_BEHIND : 0, false);
    return new Result(copied.size(), sha256.digest());
  }

  /**
   * What {@link #resume} appended: its size, and the failure that ended the source early, if one did
   * (the bytes before it are written and hashed).
   */
  record Copied(long size, IOException broken) {}

  /**
   * Appends {@code source} at {@code out}'s position, continuing {@code sha256} (a resumable upload's
   * running digest, issue 14): when the source breaks off, what arrived before the break is written and
   * hashed and the copy ends normally, with the failure in {@link Copied#broken()} (the point of
   * resuming is to keep it). On any exception {@code sha256} is in an unknown state: the caller must have
   * kept a copy of it.
   *
   * @throws IOException if writing or flushing fails
   */
  static Copied resume(InputStream source, FileChannel out, long maxBytes, MessageDigest sha256, List<MessageDigest> also, boolean writeBehind)
      throws IOException {
    return run(source, out, maxBytes, sha256, also, writeBehind ? RESUME_WRITE_BEHIND : 0, true);
  }

  private static Copied run(
      InputStream in, FileChannel out, long maxBytes, MessageDigest sha256, List<MessageDigest> also, long writeBehind, boolean keepOnBreak)
      throws IOException {
    Source source = new Source(in);
    BlockingQueue<byte[]> free = new ArrayBlockingQueue<>(RING);
    BlockingQueue<Chunk> written = new ArrayBlockingQueue<>(RING + 1);
    Future<Void> digest = HELPERS.submit(() -> hash(written, free, sha256, also));
    Flusher flusher = writeBehind > 0 ? new Flusher(out, writeBehind) : null;
    boolean done = false;
    try {
      int allocated = 0;
      long total = 0;
      IOException broken = null;
      while (true) {
        byte[] buffer = free.poll();
        if (buffer == null) {
          if (allocated < RING) {
            buffer = new byte[BUFFER_SIZE];
            allocated++;
          } else {
            buffer = awaitFree(free, digest);
          }
        }
        int n;
        try {
          n = fill(source, buffer);
        } catch (SourceFailure e) {
          if (!keepOnBreak) {
            throw e;
          }
          broken = e.getCause();
          n = 0;
        }
        if (n == 0) {
          break;
        }
        total += n;
        if (total > maxBytes) {
          throw new DepotException(Problem.UPLOAD_TOO_LARGE, "The file is larger than the limit of " + maxBytes + " bytes.");
        }
        write(out, buffer, n);
        written.add(new Chunk(buffer, n)); // never full: at most RING buffers exist
        if (flusher != null) {
          flusher.wrote(total);
        }
      }
      written.add(END);
      result(digest);
      if (flusher != null) {
        flusher.finish();
      }
      done = true;
      return new Copied(total, broken);
    } finally {
      if (!done) {
        digest.cancel(true);
        if (flusher != null) {
          flusher.abandon();
        }
      }
    }
  }

  private static Void hash(BlockingQueue<Chunk> written, BlockingQueue<byte[]> free, MessageDigest sha256, List<MessageDigest> also)
      throws InterruptedException {
    while (true) {
      Chunk chunk = written.take();
      if (chunk == END) {
        return null;
      }
      sha256.update(chunk.buffer(), 0, chunk.length());
      for (MessageDigest md : also) {
        md.update(chunk.buffer(), 0, chunk.length());
      }
      free.add(chunk.buffer());
    }
  }

  /** Waits for the hashing to hand a buffer back; a hashing failure ends the wait. */
  private static byte[] awaitFree(BlockingQueue<byte[]> free, Future<Void> digest) throws IOException {
    try {
      while (true) {
        byte[] buffer = free.poll(100, TimeUnit.MILLISECONDS);
        if (buffer != null) {
          return buffer;
        }
        if (digest.isDone()) {
          result(digest); // throws what ended it
          throw new IllegalStateException("hashing ended before the upload did");
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting for the digest");
    }
  }

  private static void result(Future<Void> digest) throws IOException {
    try {
      digest.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting for the digest");
    } catch (ExecutionException e) {
      throw new IllegalStateException("hashing failed", e.getCause());
    }
  }

  /**
   * The source, and a failure that came after some bytes of a buffer had arrived: those bytes are
   * handed out first, the failure at the next read.
   */
  private static final class Source {
    private final InputStream in;
    private IOException pending;

    Source(InputStream in) {
      this.in = in;
    }
  }

  /**
   * Reads until the buffer is full or the stream ends; returns the bytes read (0 at the end). The
   * sources hand out far less than the buffer per read (a part stream a few KiB, the container's request
   * stream one network read), and one {@code write(2)} plus one digest call per few KiB cost more than
   * the bytes themselves (docs/benchmarks.md).
   */
  private static int fill(Source source, byte[] buffer) throws SourceFailure {
    if (source.pending != null) {
      throw new SourceFailure(source.pending);
    }
    int filled = 0;
    try {
      while (filled < buffer.length) {
        int n = source.in.read(buffer, filled, buffer.length - filled);
        if (n < 0) {
          break;
        }
        filled += n;
      }
    } catch (IOException e) {
      if (filled == 0) {
        throw new SourceFailure(e);
      }
      source.pending = e;
    }
    return filled;
  }

  private static void write(FileChannel out, byte[] buffer, int length) throws IOException {
    ByteBuffer data = ByteBuffer.wrap(buffer, 0, length);
    while (data.hasRemaining()) {
      out.write(data);
    }
  }

  /**
   * Flushes a durable upload's file in the background every {@code step} bytes, one flush at a
   * time, so the disk writes while the network still delivers.
   */
  private static final class Flusher {
    private final FileChannel out;
    private final long step;
    private long flushedUpTo;
    private Future<?> running;

    Flusher(FileChannel out, long step) {
      this.out = out;
      this.step = step;
    }

    void wrote(long total) throws IOException {
      if (total - flushedUpTo < step || (running != null && !running.isDone())) {
        return;
      }
      check();
      flushedUpTo = total;
      running = HELPERS.submit(() -> {
        out.force(false);
        return null;
      });
    }

    /** Waits for a flush in flight; a failed one fails the upload (its bytes may not be on disk). */
    void finish() throws IOException {
      if (running == null) {
        return;
      }
      try {
        running.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while flushing");
      } catch (ExecutionException e) {
        throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
      }
    }

    private void check() throws IOException {
      if (running != null) {
        finish();
      }
    }

    /** The upload failed: the flush in flight may end on its own; its outcome no longer matters. */
    void abandon() {
      if (running != null) {
        try {
          running.get(10, TimeUnit.SECONDS); // let it end before the file is closed and deleted
        } catch (Exception ignored) {
          // a failed or slow flush of a file about to be deleted
        }
      }
    }
  }

  private static ThreadFactory daemon() {
    return task -> {
      Thread thread = new Thread(task, "depot-digest-" + THREADS.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }
}
