package dev.depot.storage.control;

import dev.depot.config.DepotSettings;
import dev.depot.config.StorageLayout;
import dev.depot.storage.entity.StoredFile;
import dev.depot.problem.DepotException;
import dev.depot.problem.Problem;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * Brings the store back to a consistent state after a crash (run at startup).
 *
 * <ol>
 *   <li>Sweep: staged files (and replace backups) in the temp directory older than {@code
 *       depot.temp-max-age} are leftovers of uploads that died with the JVM; they are deleted.
 *   <li>Reconcile ({@code depot.reconcile=repair}, the default): a file under the results directory
 *       without a row is <em>adopted</em> — it can only be there after a complete, fsynced staging and
 *       an atomic rename, so the crash came between the rename and the row's commit; it gets a row
 *       (hashed, {@code application/octet-stream}). A file newer than its row, or of another size, was
 *       replaced in the same window: its row is refreshed. A row whose file is gone is dropped. With
 *       {@code report}, findings are only logged; with {@code off}, nothing is checked.
 * </ol>
 *
 * Each repair holds the path's lock and re-checks under it, so it never races an upload.
 */
@ApplicationScoped
public class Recovery {

  private static final Logger LOG = Logger.getLogger(Recovery.class.getName());
  private static final int PAGE = 500;

  /** The type recorded for an adopted file: nothing is known about it. */
  static final String ADOPTED_CONTENT_TYPE = "application/octet-stream";

  @Inject DepotSettings settings;
  @Inject StoredFiles storedFiles;
  @Inject PathLocks locks;

  private volatile Report last;

  /** What one run found (and, in repair mode, fixed). */
  public record Report(
      Instant finished, String mode, List<String> swept, List<String> adopted, List<String> refreshed,
      List<String> droppedRows, List<String> skipped) {

    public boolean consistent() {
      return adopted.isEmpty() && refreshed.isEmpty() && droppedRows.isEmpty();
    }
  }

  /** The last run's report, if one has finished. */
  public Optional<Report> last() {
    return Optional.ofNullable(last);
  }

  public Report run() {
    StorageLayout layout = settings.layout();
    String mode = settings.reconcile();
    boolean repair = mode.equals("repair");
    List<String> swept = sweep(layout.temp(), settings.tempMaxAge());
    List<String> adopted = new ArrayList<>();
    List<String> refreshed = new ArrayList<>();
    List<String> dropped = new ArrayList<>();
    List<String> skipped = new ArrayList<>();
    if (!mode.equals("off")) {
      for (Path file : files(layout)) {
        String key = layout.results().relativize(file).toString().replace(java.io.File.separatorChar, '/');
        try {
          StoragePaths.key(key);
        } catch (DepotException e) { // INVALID_PATH
          skipped.add(key); // not a name Depot would store; an admin put it there: leave it alone
          continue;
        }
        checkFile(file, key, repair, adopted, refreshed);
      }
      checkRows(layout, repair, dropped);
    }
    Report report = new Report(Instant.now(), mode, swept, adopted, refreshed, dropped, skipped);
    last = report;
    LOG.info(
        () ->
            String.format(
                "Depot recovery (%s): swept %d stale temp files, %s %d files without rows, %s %d rows"
                    + " older than their files, %s %d rows without files, skipped %d foreign names",
                mode, swept.size(), repair ? "adopted" : "found", adopted.size(), repair ? "refreshed" : "found",
                refreshed.size(), repair ? "dropped" : "found", dropped.size(), skipped.size()));
    if (!report.consistent()) {
      LOG.warning(() -> "Depot recovery details: adopted=" + adopted + " refreshed=" + refreshed + " droppedRows=" + dropped);
    }
    return report;
  }

  private static List<String> sweep(Path temp, Duration maxAge) {
    List<String> swept = new ArrayList<>();
    Instant cutoff = Instant.now().minus(maxAge);
    try (Stream<Path> entries = Files.list(temp)) {
      for (Path entry : (Iterable<Path>) entries::iterator) {
        BasicFileAttributes attrs = Files.readAttributes(entry, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (attrs.isRegularFile() && !attrs.lastModifiedTime().toInstant().isAfter(cutoff)) {
          Files.deleteIfExists(entry);
          swept.add(entry.getFileName().toString());
        }
      }
    } catch (IOException e) {
      LOG.log(Level.WARNING, "Could not sweep " + temp, e);
    }
    return swept;
  }

  private static List<Path> files(StorageLayout layout) {
    List<Path> files = new ArrayList<>();
    try {
      Files.walkFileTree(
          layout.results(),
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
              return dir.equals(layout.temp()) ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
              if (attrs.isRegularFile()) { // links are never followed nor adopted
                files.add(file);
              }
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
              LOG.log(Level.WARNING, "Could not read " + file, e);
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return files;
  }

  private void checkFile(Path file, String key, boolean repair, List<String> adopted, List<String> refreshed) {
    ReentrantLock lock = locks.forPath(key);
    lock.lock();
    try {
      if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
        return;
      }
      Optional<StoredFile> row = storedFiles.findByPath(key);
      long size = Files.size(file);
      Instant mtime = Files.getLastModifiedTime(file).toInstant();
      if (row.isEmpty()) {
        adopted.add(key);
      } else if (row.get().getSize() != size || mtime.isAfter(row.get().getModified())) {
        refreshed.add(key);
      } else {
        return;
      }
      if (repair) {
        // Only the row looked at is replaced: if another writer's row appears meanwhile, it wins.
        WritePrecondition unchanged = row
            .map(r -> new WritePrecondition(WritePrecondition.Versions.of(Set.of(r.getSha256())), null))
            .orElse(WritePrecondition.CREATE_ONLY);
        storedFiles.record(
            key, size, sha256(file), row.map(StoredFile::getContentType).orElse(ADOPTED_CONTENT_TYPE),
            row.map(StoredFile::getOriginalFilename).orElse(null), Instant.now(), unchanged);
      }
    } catch (StoredFiles.PathTakenException e) {
      LOG.log(Level.FINE, "Another writer recorded " + key + " meanwhile; its row stays", e);
    } catch (DepotException e) {
      if (!e.is(Problem.PRECONDITION_FAILED)) {
        throw e;
      }
      LOG.log(Level.FINE, "Another writer recorded " + key + " meanwhile; its row stays", e);
    } catch (IOException e) {
      LOG.log(Level.WARNING, "Could not check " + file, e);
    } finally {
      lock.unlock();
    }
  }

  private void checkRows(StorageLayout layout, boolean repair, List<String> dropped) {
    String after = "";
    List<String> page;
    do {
      page = storedFiles.pathsAfter(after, PAGE);
      for (String key : page) {
        ReentrantLock lock = locks.forPath(key);
        lock.lock();
        try {
          if (!Files.isRegularFile(layout.results().resolve(key), LinkOption.NOFOLLOW_LINKS)) {
            dropped.add(key);
            if (repair) {
              storedFiles.delete(key);
            }
          }
        } finally {
          lock.unlock();
        }
      }
      after = page.isEmpty() ? after : page.get(page.size() - 1);
    } while (page.size() == PAGE);
  }

  private static String sha256(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
      byte[] buffer = new byte[FileSystemBlobStore.BUFFER_SIZE];
      int n;
      while ((n = in.read(buffer)) != -1) {
        md.update(buffer, 0, n);
      }
      return java.util.HexFormat.of().formatHex(md.digest());
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
