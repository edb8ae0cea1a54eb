package dev.depot.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileStore;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Watches a directory while a test runs, rather than looking afterwards: every entry created in it
 * (inotify, through {@link WatchService}) and the peak space used on its filesystem (polled every few
 * milliseconds), so a spool file that comes and goes within a request is still seen.
 */
public final class TmpdirWatch implements AutoCloseable {

  private final FileStore store;
  private final long baselineUsed;
  private final AtomicLong peakUsed = new AtomicLong();
  private final List<String> created = new CopyOnWriteArrayList<>();
  private final WatchService watcher;
  private final Thread poller;
  private volatile boolean running = true;

  private TmpdirWatch(Path dir) throws IOException {
    this.store = Files.getFileStore(dir);
    this.baselineUsed = used();
    this.peakUsed.set(baselineUsed);
    this.watcher = FileSystems.getDefault().newWatchService();
    dir.register(watcher, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY);
    this.poller = new Thread(this::poll, "tmpdir-watch");
    this.poller.setDaemon(true);
    this.poller.start();
  }

  public static TmpdirWatch start(Path dir) {
    try {
      return new TmpdirWatch(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Names of entries created or modified in the directory while watching. */
  public List<String> created() {
    return List.copyOf(created);
  }

  /** Most bytes used on the directory's filesystem above what was used when watching began. */
  public long peakGrowth() {
    return peakUsed.get() - baselineUsed;
  }

  private void poll() {
    while (running) {
      peakUsed.accumulateAndGet(used(), Math::max);
      WatchKey key;
      try {
        key = watcher.poll(5, TimeUnit.MILLISECONDS);
      } catch (InterruptedException | java.nio.file.ClosedWatchServiceException e) {
        return;
      }
      if (key != null) {
        for (WatchEvent<?> event : key.pollEvents()) {
          created.add(event.kind().name() + " " + event.context());
        }
        key.reset();
      }
    }
  }

  private long used() {
    try {
      return store.getTotalSpace() - store.getUnallocatedSpace();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    running = false;
    try {
      poller.join(1000);
      watcher.close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    peakUsed.accumulateAndGet(used(), Math::max);
  }
}
