package dev.depot.storage.control;

import dev.depot.config.DepotSettings;
import dev.depot.problem.DepotException;
import dev.depot.problem.Problem;
import dev.depot.storage.entity.StoredFile;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.attribute.FileTime;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Brings a store back to a consistent state after a crash; runs for each store when it is attached
 * (at startup for the configured one).
 *
 * <ol>
 *   <li>Sweep: in the store's temp directory, Depot's staged files, backups and half-made directories
 *       left by an <em>earlier</em> Depot process and older than {@code depot.temp-max-age} are deleted.
 *       This process's own files are never touched, however old (item 5): names carry the incarnation
 *       of the process that made them ({@link Staging}), so a live replace's backup, which keeps the old
 *       file's modification time, is safe. Names that are not Depot's are never touched.
 *   <li>Reconcile ({@code depot.reconcile=repair}, the default): a file in the store without a row is
 *       <em>adopted</em> — it can only be there after a complete, fsynced staging and an atomic rename,
 *       so the crash came between the rename and the row's commit; it gets a row (hashed, {@code
 *       application/octet-stream}). A file whose size or fingerprint differs from its row's is hashed:
 *       if its SHA-256 differs too, the row is refreshed, so no download serves bytes under another
 *       file's ETag (item 3). A row whose file is gone is dropped — unless more rows would go than
 *       {@code depot.reconcile-max-drop-percent} of the store's (and more than ten): then nothing is
 *       dropped and the run says it stopped, since that many missing files means a damaged or wrong
 *       directory rather than a crash (item 1). A file whose path has a row in another store is a stale
 *       copy and left alone. With {@code report}, findings are only logged; with {@code off}, nothing
 *       is checked.
 * </ol>
 *
 * The walk goes through open directories and never follows a link (it starts from the store's real
 * path, so a results directory that is itself a link is walked, item 6); it skips Depot's own names at
 * the top, the temp directory and any directory that carries a temp marker (an earlier temp directory,
 * item 7). Each repair holds the path's lock and re-checks under it, so it never races an upload.
 */
@ApplicationScoped
public class Recovery {

  private static final Logger LOG = Logger.getLogger(Recovery.class.getName());
  private static final int PAGE = 500;

  /** The type recorded for an adopted file: nothing is known about it. */
  static final String ADOPTED_CONTENT_TYPE = "application/octet-stream";

  /** Rows whose files are gone that are always dropped, whatever their share: a crash loses a few. */
  static final int ALWAYS_DROPPABLE = 10;

  @Inject DepotSettings settings;
  @Inject StoredFiles storedFiles;
  @Inject PathLocks locks;
  @Inject Stores stores;

  @Resource ManagedExecutorService executor;

  private final Map<String, Report> last = new ConcurrentHashMap<>();

  /** What one run found (and, in repair mode, fixed). */
  public record Report(
      Instant finished, String store, String mode, List<String> swept, List<String> adopted, List<String> refreshed,
      List<String> droppedRows, List<String> skipped, List<String> shadowed, Optional<String> stopped) {

    public boolean consistent() {
      return adopted.isEmpty() && refreshed.isEmpty() && droppedRows.isEmpty() && stopped.isEmpty();
    }
  }

  /** The last run's report for each store, by store id. */
  public Map<String, Report> last() {
    return Map.copyOf(last);
  }

  /** Recovers a store when it is attached, off the caller's thread: hashing adopted files takes time. */
  void onAttached(@Observes Stores.Attachment attachment) {
    executor.execute(() -> {
      try {
        run(attachment);
      } catch (RuntimeException e) {
        LOG.log(Level.SEVERE, "Depot recovery of store " + attachment.id() + " failed", e);
      }
    });
  }

  /** Recovers the store new files go to (for tests and operators). */
  public Report run() {
    return run(stores.currentAttachment());
  }

  public Report run(Stores.Attachment store) {
    String mode = settings.reconcile();
    boolean repair = mode.equals("repair");
    List<String> swept = sweep(store.temp(), settings.tempMaxAge());
    List<String> adopted = new ArrayList<>();
    List<String> refreshed = new ArrayList<>();
    List<String> dropped = new ArrayList<>();
    List<String> skipped = new ArrayList<>();
    List<String> shadowed = new ArrayList<>();
    Optional<String> stopped = Optional.empty();
    if (!mode.equals("off")) {
      Findings findings = new Findings(store, repair, adopted, refreshed, skipped, shadowed);
      try (Tree tree = Tree.open(store.root())) {
        Object tempKey = Files.readAttributes(store.temp(), BasicFileAttributes.class).fileKey();
        walk(tree.root(), "", tempKey, findings);
      } catch (IOException e) {
        throw new DepotException(Problem.STORAGE_FAILURE, "The store cannot be walked.", e);
      }
      stopped = checkRows(store, repair, dropped);
    }
    Report report = new Report(Instant.now(), store.id(), mode, swept, adopted, refreshed, dropped, skipped, shadowed, stopped);
    last.put(store.id(), report);
    LOG.info(
        () ->
            String.format(
                "Depot recovery (%s): swept %d stale temp files, %s %d files without rows, %s %d rows"
                    + " older than their files, %s %d rows without files, skipped %d foreign names, %d stale copies"
                    + " (store %s)",
                mode, swept.size(), repair ? "adopted" : "found", adopted.size(), repair ? "refreshed" : "found",
                refreshed.size(), repair ? "dropped" : "found", dropped.size(), skipped.size(), shadowed.size(), store.id()));
    report.stopped().ifPresent(why -> LOG.severe(() -> "Depot recovery of store " + store.id() + " stopped: " + why));
    if (!report.consistent()) {
      LOG.warning(() -> "Depot recovery details: adopted=" + adopted + " refreshed=" + refreshed + " droppedRows=" + dropped);
    }
    return report;
  }

  /** Deletes an earlier process's leftovers in {@code temp}; see the class comment. */
  static List<String> sweep(Path temp, Duration maxAge) {
    List<String> swept = new ArrayList<>();
    Instant cutoff = Instant.now().minus(maxAge);
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(temp)) {
      for (Path entry : entries) {
        String name = entry.getFileName().toString();
        // Resumable uploads wait in their own directory for days; their expiry is their own sweeper's.
        if (!Staging.isDepots(name) || Staging.isOurs(name) || name.equals(StoreMarker.TEMP) || name.equals(PartialFiles.DIRECTORY)) {
          continue;
        }
        BasicFileAttributes attributes = Files.readAttributes(entry, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        // The status-change time: when the entry was made or renamed here. A backup's modification time
        // is the replaced file's, which may be years old.
        Instant changed = changeTime(entry, attributes);
        if (changed.isAfter(cutoff) || attributes.isSymbolicLink()) {
          continue;
        }
        try {
          Files.delete(entry); // a directory only if empty: a half-made one never got a child
          swept.add(name);
        } catch (IOException e) {
          LOG.log(Level.WARNING, "Could not sweep " + entry, e);
        }
      }
    } catch (IOException e) {
      LOG.log(Level.WARNING, "Could not sweep " + temp, e);
    }
    return swept;
  }

  private static Instant changeTime(Path entry, BasicFileAttributes attributes) {
    try {
      return ((FileTime) Files.getAttribute(entry, "unix:ctime", LinkOption.NOFOLLOW_LINKS)).toInstant();
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      return attributes.lastModifiedTime().toInstant();
    }
  }

  /** What the walk collects, and how it repairs. */
  private record Findings(
      Stores.Attachment store, boolean repair, List<String> adopted, List<String> refreshed, List<String> skipped,
      List<String> shadowed) {}

  private void walk(SecureDirectoryStream<Path> dir, String prefix, Object tempKey, Findings findings) throws IOException {
    List<String> names = new ArrayList<>();
    for (Path entry : dir) {
      names.add(entry.getFileName().toString());
    }
    names.sort(null);
    for (String name : names) {
      BasicFileAttributes attributes = Tree.attributes(dir, name);
      if (attributes == null) {
        continue; // gone meanwhile
      }
      String key = prefix + name;
      if (prefix.isEmpty() && name.startsWith(StoreMarker.RESERVED_PREFIX)) {
        continue; // Depot's own: the marker, the default temp directory
      }
      if (attributes.isDirectory()) {
        if (tempKey != null && tempKey.equals(attributes.fileKey())) {
          continue;
        }
        SecureDirectoryStream<Path> child;
        try {
          child = dir.newDirectoryStream(Path.of(name), LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
          LOG.log(Level.WARNING, "Could not read " + key, e);
          continue;
        }
        try (child) {
          if (Tree.exists(child, StoreMarker.TEMP)) {
            findings.skipped().add(key + "/"); // an earlier temp directory: its files are not stored files
            continue;
          }
          walk(child, key + "/", tempKey, findings);
        }
      } else if (attributes.isRegularFile()) { // links are never followed nor adopted
        if (!isStorableKey(key)) {
          findings.skipped().add(key); // not a name Depot would store; an admin put it there: leave it alone
          continue;
        }
        checkFile(dir, name, key, findings);
      }
    }
  }

  /** Whether Depot could have stored a file under {@code key}: valid, and in the form Depot keeps (NFC). */
  private static boolean isStorableKey(String key) {
    try {
      return StoragePaths.key(key).equals(key);
    } catch (DepotException e) { // INVALID_PATH
      return false;
    }
  }

  private void checkFile(SecureDirectoryStream<Path> dir, String name, String key, Findings findings) {
    ReentrantLock lock = locks.forPath(key);
    lock.lock();
    try {
      BasicFileAttributes attributes = Tree.attributes(dir, name);
      if (attributes == null || !attributes.isRegularFile()) {
        return;
      }
      Optional<StoredFile> row = storedFiles.findByPath(key);
      long size = attributes.size();
      long mtimeNs = FileSystemBlobStore.mtimeNs(attributes);
      if (row.isPresent() && !findings.store().id().equals(row.get().getStoreId())) {
        findings.shadowed().add(key); // the path's bytes live in another store: this is a stale copy
        return;
      }
      if (row.isPresent() && row.get().getSize() == size && fingerprintHolds(row.get(), mtimeNs, attributes)) {
        return;
      }
      String sha256 = sha256(dir, name);
      if (row.isPresent() && row.get().getSha256().equals(sha256) && row.get().getSize() == size) {
        if (findings.repair()) {
          storedFiles.confirmFingerprint(key, sha256, size, mtimeNs); // same bytes, touched: not a finding
        }
        return;
      }
      (row.isEmpty() ? findings.adopted() : findings.refreshed()).add(key);
      if (findings.repair()) {
        // Only the row looked at is replaced: if another writer's row appears meanwhile, it wins.
        WritePrecondition unchanged = row
            .map(r -> new WritePrecondition(WritePrecondition.Versions.of(Set.of(r.getSha256())), null))
            .orElse(WritePrecondition.CREATE_ONLY);
        storedFiles.record(
            key, new StoredFiles.Bytes(size, sha256, findings.store().id(), mtimeNs),
            row.map(StoredFile::getContentType).orElse(ADOPTED_CONTENT_TYPE),
            row.map(StoredFile::getOriginalFilename).orElse(null), Instant.now().truncatedTo(ChronoUnit.MICROS), unchanged, null);
      }
    } catch (StoredFiles.PathTakenException e) {
      LOG.log(Level.FINE, "Another writer recorded " + key + " meanwhile; its row stays", e);
    } catch (DepotException e) {
      if (!e.is(Problem.PRECONDITION_FAILED)) {
        throw e;
      }
      LOG.log(Level.FINE, "Another writer recorded " + key + " meanwhile; its row stays", e);
    } catch (IOException e) {
      LOG.log(Level.WARNING, "Could not check " + key, e);
    } finally {
      lock.unlock();
    }
  }

  /** Rows an older Depot wrote have no fingerprint: their file is taken as theirs unless it is newer. */
  private static boolean fingerprintHolds(StoredFile row, long mtimeNs, BasicFileAttributes attributes) {
    if (row.getFileMtimeNs() == null) {
      return !attributes.lastModifiedTime().toInstant().isAfter(row.getModified());
    }
    return row.getFileMtimeNs() == mtimeNs;
  }

  /**
   * Drops the rows of {@code store} whose file is gone, unless there are too many of them; returns why
   * it stopped, if it did.
   */
  private Optional<String> checkRows(Stores.Attachment store, boolean repair, List<String> dropped) {
    List<String> missing = new ArrayList<>();
    String after = "";
    List<String> page;
    try (Tree tree = Tree.open(store.root())) {
      do {
        page = storedFiles.pathsInStore(store.id(), after, PAGE);
        for (String key : page) {
          if (!present(tree, key)) {
            missing.add(key);
          }
        }
        after = page.isEmpty() ? after : page.get(page.size() - 1);
      } while (page.size() == PAGE);
      long total = storedFiles.countInStore(store.id());
      int percent = settings.reconcileMaxDropPercent();
      long allowed = Math.max(ALWAYS_DROPPABLE, total * percent / 100);
      if (missing.size() > allowed) {
        dropped.clear();
        return Optional.of(missing.size() + " of the store's " + total + " rows have no file, more than "
            + DepotSettings.RECONCILE_MAX_DROP_PERCENT + " (" + percent + "%) allows; nothing was dropped. Restore the"
            + " files, or raise the setting if they are really gone, then restart");
      }
      for (String key : missing) {
        ReentrantLock lock = locks.forPath(key);
        lock.lock();
        try {
          Optional<StoredFile> row = storedFiles.findByPath(key);
          if (row.isPresent() && store.id().equals(row.get().getStoreId()) && !present(tree, key)) {
            dropped.add(key);
            if (repair) {
              storedFiles.delete(key);
            }
          }
        } finally {
          lock.unlock();
        }
      }
    } catch (IOException e) {
      throw new DepotException(Problem.STORAGE_FAILURE, "The store cannot be checked.", e);
    }
    return Optional.empty();
  }

  private static boolean present(Tree tree, String key) throws IOException {
    try {
      Optional<Tree.Parent> parent = tree.find(key);
      if (parent.isEmpty()) {
        return false;
      }
      try (Tree.Parent p = parent.get()) {
        BasicFileAttributes attributes = p.attributes();
        return attributes != null && attributes.isRegularFile();
      }
    } catch (DepotException e) { // a link or a file on the way: not this row's file
      return false;
    }
  }

  private static String sha256(SecureDirectoryStream<Path> dir, String name) throws IOException {
    try (FileChannel in = Tree.channel(dir, name, Set.of(StandardOpenOption.READ))) {
      return sha256(in);
    }
  }

  /** The SHA-256 of everything in {@code in} from its start, through the usual buffer. */
  static String sha256(FileChannel in) throws IOException {
    MessageDigest md = FileSystemBlobStore.sha256();
    ByteBuffer buffer = ByteBuffer.allocate(FileSystemBlobStore.BUFFER_SIZE);
    long position = 0;
    int n;
    while ((n = in.read(buffer.clear(), position)) != -1) {
      md.update(buffer.array(), 0, n);
      position += n;
    }
    return HexFormat.of().formatHex(md.digest());
  }
}
