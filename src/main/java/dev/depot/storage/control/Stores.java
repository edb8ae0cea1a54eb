package dev.depot.storage.control;

import dev.depot.config.DepotSettings;
import dev.depot.config.StorageLayout;
import dev.depot.problem.DepotException;
import dev.depot.problem.Problem;
import dev.depot.storage.entity.Store;
import dev.depot.storage.entity.StoredFile;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Which results directories Depot may use, decided once per directory with what the database knows, so
 * that no start against an empty or wrong directory can cost metadata (issue 11, items 1, 2, 6, 7).
 *
 * <p>A <em>store</em> is a results directory with a marker file ({@code .depot-store}) holding an id
 * that the database also records; every row names the store that holds its bytes. The directory that
 * {@code depot.results-dir} names is attached as the store new files go to when:
 *
 * <ul>
 *   <li>its marker names a store the database knows (its location is updated if it moved), or
 *   <li>it has no marker, the database records no store at that location, and either the database has
 *       no rows at all (a first start: the directory is created if missing), or rows an older Depot
 *       wrote before stores existed whose files are there (an upgrade: they are claimed), or {@code
 *       depot.results-dir} was set explicitly to a new directory (a new store; earlier files stay
 *       readable and deletable in theirs).
 * </ul>
 *
 * It is refused, and nothing is reconciled or written there, when its marker names a store the
 * database does not know (another Depot's directory, or the wrong database), when the database expects
 * a store with files at that location and finds no marker (an unmounted volume), when old rows exist
 * and none of their files are there, and when the directory was not configured but the database's
 * files live elsewhere (a missing {@code DEPOT_RESULTS_DIR}). A refused results directory keeps the
 * last attached one in force while it still carries its marker, like any other invalid setting;
 * otherwise writes are {@code 503 STORE_UNAVAILABLE} and readiness says why.
 *
 * <p>The temp directory is Depot's alone: it carries its own marker with the store's id, and a
 * non-empty directory without one is refused rather than swept.
 */
@ApplicationScoped
public class Stores {

  private static final Logger LOG = Logger.getLogger(Stores.class.getName());

  /** How long a refused directory is not looked at again (each look reads the database). */
  static final long RETRY_NANOS = 5_000_000_000L;

  /** How many rows of an older Depot are looked for in a directory before it is claimed for them. */
  static final int CLAIM_SAMPLE = 100;

  @Inject DepotSettings settings;
  @Inject StoreRecords records;
  @Inject Event<Attachment> attached;
  @Inject SchemaMigrations migrations;

  /** Configured layout → the outcome of attaching it. */
  private final Map<StorageLayout, Attempt> attempts = new ConcurrentHashMap<>();
  /** Store id → its attachment, for the stores rows name (read and delete where the bytes are). */
  private final Map<String, Attachment> byId = new ConcurrentHashMap<>();
  private volatile Attachment lastGood;

  /**
   * A store in use: its id, its real root (links in the configured location resolved once, item 6),
   * its temp directory, and whether its filesystem can fsync a directory.
   *
   * @param tempInRoot the temp directory as a key prefix when it lies inside the root (never a stored path)
   */
  public record Attachment(String id, Path root, Path temp, Optional<String> tempInRoot, boolean directoryFsync) {}

  private record Attempt(Attachment attachment, String problem, long at) {
    boolean ok() {
      return attachment != null;
    }
  }

  /**
   * The store new files go to, now.
   *
   * @throws DepotException STORE_UNAVAILABLE if no store can take writes
   */
  public FileSystemBlobStore current() {
    return new FileSystemBlobStore(currentAttachment(), settings.fsync());
  }

  /** The store that holds {@code row}'s bytes. @throws DepotException STORE_UNAVAILABLE if it is not reachable */
  public FileSystemBlobStore holding(StoredFile row) {
    return holding(row.getStoreId());
  }

  /** The store {@code storeId}. @throws DepotException STORE_UNAVAILABLE if it is not reachable */
  public FileSystemBlobStore holding(String storeId) {
    return new FileSystemBlobStore(attachment(storeId), settings.fsync());
  }

  /** The attachment of the store new files go to; see {@link #current()}. */
  public Attachment currentAttachment() {
    StorageLayout layout = settings.layout();
    Attempt attempt = attempts.get(layout);
    if (attempt == null || (!attempt.ok() && System.nanoTime() - attempt.at() > RETRY_NANOS)) {
      attempt = attach(layout);
    }
    if (attempt.ok() && !StoreMarker.present(attempt.attachment().root(), StoreMarker.STORE)) {
      // The marker vanished under a running Depot: the volume was unmounted (or the directory emptied).
      attempt = refused(layout, "the store marker is gone from " + DepotSettings.RESULTS_DIR + " (was the volume unmounted?)");
    }
    if (attempt.ok()) {
      lastGood = attempt.attachment();
      return attempt.attachment();
    }
    Attachment kept = lastGood;
    if (kept != null && StoreMarker.present(kept.root(), StoreMarker.STORE)) {
      return kept;
    }
    throw new DepotException(Problem.STORE_UNAVAILABLE, "The server's storage is not available; its health check says why.");
  }

  /**
   * What is wrong with the configured results directory now, for the health checks: empty when it is
   * attached. Safe to show an operator (no paths of files, only of the configured directories).
   */
  public Map<String, String> problems() {
    Map<String, String> problems = new TreeMap<>();
    try {
      currentAttachment();
    } catch (DepotException e) {
      // recorded in the attempt
    }
    Attempt attempt = attempts.get(settings.layout());
    if (attempt != null && !attempt.ok()) {
      Attachment kept = lastGood;
      problems.put(DepotSettings.RESULTS_DIR, attempt.problem()
          + (kept != null && StoreMarker.present(kept.root(), StoreMarker.STORE) ? "; writes go to the previous store meanwhile" : ""));
    }
    return problems;
  }

  /** Whether some store takes writes now (the configured one, or the last good one kept). */
  public boolean writable() {
    try {
      currentAttachment();
      return true;
    } catch (DepotException e) {
      return false;
    }
  }

  /** Creates and deletes a file in {@code store}'s temp directory: is it writable right now? */
  public void probeTemp(Attachment store) throws IOException {
    Path probe = Files.createFile(store.temp().resolve(Staging.name(Staging.PROBE)));
    Files.delete(probe);
  }

  private Attachment attachment(String storeId) {
    if (storeId == null) {
      throw new DepotException(Problem.STORE_UNAVAILABLE, "The server's storage is not available; its health check says why.");
    }
    Attachment known = byId.get(storeId);
    if (known != null && StoreMarker.present(known.root(), StoreMarker.STORE)) {
      return known;
    }
    // A store attached earlier in this JVM's life, or recorded in the database: find it where it was last seen.
    try {
      for (Store store : records.all()) {
        if (store.getId().equals(storeId)) {
          Path location = Path.of(store.getLocation());
          if (storeId.equals(StoreMarker.read(location, StoreMarker.STORE).orElse(null))) {
            Attachment attachment = directories(storeId, location.toRealPath(), location.toRealPath().resolve(DepotSettings.DEFAULT_TEMP_DIR_NAME));
            byId.put(storeId, attachment);
            return attachment;
          }
        }
      }
    } catch (IOException | Refusal | RuntimeException e) {
      LOG.log(Level.WARNING, "Store " + storeId + " cannot be reached", e);
    }
    throw new DepotException(Problem.STORE_UNAVAILABLE, "The storage that holds this file is not available.");
  }

  private synchronized Attempt attach(StorageLayout layout) {
    Attempt earlier = attempts.get(layout);
    if (earlier != null && (earlier.ok() || System.nanoTime() - earlier.at() <= RETRY_NANOS)) {
      return earlier; // another thread decided while this one waited
    }
    try {
      if (migrations != null && !migrations.migrate().current()) {
        // The decision reads the stores table; deployment may get here before the migrations ran.
        throw new Refusal("the database is not ready (see the depot-database check)");
      }
      String id = decide(layout);
      Path root = layout.results().toRealPath();
      Attachment attachment = directories(id, root, layout.temp());
      byId.put(id, attachment);
      Attempt ok = new Attempt(attachment, null, System.nanoTime());
      attempts.put(layout, ok);
      if (earlier != null && !earlier.ok()) {
        LOG.info(() -> "Depot store " + id + " at " + root + " is attached again");
      }
      LOG.info(() -> "Depot stores files in store " + id + " at " + root + ", staging in " + attachment.temp());
      attached.fire(attachment); // recovery checks it
      return ok;
    } catch (Refusal e) {
      return refused(layout, e.getMessage());
    } catch (IOException | RuntimeException e) {
      LOG.log(Level.WARNING, "Depot could not attach " + layout.results(), e);
      return refused(layout, DepotSettings.RESULTS_DIR + " cannot be used (" + e.getClass().getSimpleName() + "; see the server log)");
    }
  }

  private Attempt refused(StorageLayout layout, String problem) {
    Attempt before = attempts.put(layout, new Attempt(null, problem, System.nanoTime()));
    if (before == null || !problem.equals(before.problem())) {
      LOG.severe(() -> "Depot refuses " + DepotSettings.RESULTS_DIR + " " + layout.results() + ": " + problem
          + ". Nothing is reconciled or written there until this is resolved (README, Stores).");
    }
    return attempts.get(layout);
  }

  /** A results directory Depot must not use; the message is for an operator. */
  private static final class Refusal extends Exception {
    private static final long serialVersionUID = 1L;

    Refusal(String message) {
      super(message);
    }
  }

  /** Decides which store {@code layout.results()} is, claiming it if it is new; returns its id. */
  private String decide(StorageLayout layout) throws IOException, Refusal {
    Path dir = layout.results();
    String location = dir.toString();
    boolean exists = Files.isDirectory(dir);
    Optional<String> marker;
    try {
      marker = exists ? StoreMarker.read(dir, StoreMarker.STORE) : Optional.empty();
    } catch (IOException e) {
      throw new Refusal("its store marker cannot be read (" + e.getMessage() + ")");
    }
    List<Store> known = records.all();
    if (marker.isPresent()) {
      String id = marker.get();
      Optional<Store> store = known.stream().filter(s -> s.getId().equals(id)).findFirst();
      if (store.isEmpty()) {
        throw new Refusal("it holds store " + id + ", which this database does not know: another Depot's directory, "
            + "or the wrong database? Point Depot at the database that records it, or, to let this database adopt "
            + "its files, remove its " + StoreMarker.STORE + " file");
      }
      if (!store.get().getLocation().equals(location)) {
        LOG.info(() -> "Depot store " + id + " moved from " + store.get().getLocation() + " to " + location);
        records.relocate(id, location);
      }
      return id;
    }
    Optional<Store> expected = known.stream().filter(s -> s.getLocation().equals(location)).findFirst();
    if (expected.isPresent()) {
      long rows = records.rows(expected.get().getId());
      if (rows > 0) {
        throw new Refusal("the database records " + rows + " files of store " + expected.get().getId()
            + " here, but the directory has no store marker: is the volume mounted?");
      }
      // Registered, but its marker was never written (a crash in between), and it holds no file yet.
      return mark(dir, expected.get().getId());
    }
    long old = records.rowsWithoutStore();
    if (old > 0) {
      return claimForOldRows(dir, exists, old);
    }
    if (!known.isEmpty() && !settings.resultsDirConfigured()) {
      throw new Refusal(DepotSettings.RESULTS_DIR + " is not set, and the database's files are in "
          + known.stream().map(Store::getLocation).toList() + ": set " + DepotSettings.RESULTS_DIR
          + " (or DEPOT_RESULTS_DIR) to the directory Depot should use");
    }
    String id = UUID.randomUUID().toString();
    Files.createDirectories(dir); // the database has no rows for it: creating it loses nothing
    records.register(id, location);
    mark(dir, id);
    LOG.info(() -> "Depot started store " + id + " at " + location + (known.isEmpty() ? "" : "; files stored earlier stay in "
        + known.stream().map(Store::getLocation).toList()));
    return id;
  }

  /** Rows written before stores existed: this directory is theirs only if their files are in it. */
  private String claimForOldRows(Path dir, boolean exists, long old) throws IOException, Refusal {
    if (!exists || isEmpty(dir)) {
      throw new Refusal("the database records " + old + " files, but the directory is " + (exists ? "empty" : "missing")
          + ": is the volume mounted, and is this the right directory?");
    }
    List<StoredFile> sample = records.withoutStore(CLAIM_SAMPLE);
    long found = sample.stream().filter(row -> holds(dir, row)).count();
    if (found == 0) {
      throw new Refusal("none of the " + sample.size() + " recorded files looked for are in it: is this the right directory?");
    }
    String id = UUID.randomUUID().toString();
    records.register(id, dir.toString());
    mark(dir, id);
    int claimed = records.claimRowsWithoutStore(id);
    LOG.info(() -> "Depot claimed " + dir + " as store " + id + " for the " + claimed + " files recorded before stores existed ("
        + found + " of " + sample.size() + " looked for were there)");
    return id;
  }

  private static boolean holds(Path dir, StoredFile row) {
    try {
      BasicFileAttributes attributes =
          Files.readAttributes(dir.resolve(row.getPath()), BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      return attributes.isRegularFile() && attributes.size() == row.getSize();
    } catch (IOException | java.nio.file.InvalidPathException e) {
      return false;
    }
  }

  /** Whether {@code dir} holds nothing but Depot's own entries. */
  private static boolean isEmpty(Path dir) throws IOException {
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      for (Path entry : entries) {
        if (!entry.getFileName().toString().startsWith(StoreMarker.RESERVED_PREFIX)) {
          return false;
        }
      }
    }
    return true;
  }

  private static String mark(Path dir, String id) throws IOException {
    Files.createDirectories(dir);
    StoreMarker.write(dir, StoreMarker.STORE, id);
    return id;
  }

  /**
   * The directories of store {@code id}: its root is writable, its temp directory exists, is private
   * and is Depot's (item 7), and whether its filesystem can fsync a directory.
   */
  private Attachment directories(String id, Path root, Path configuredTemp) throws IOException, Refusal {
    if (!Files.isWritable(root)) {
      throw new Refusal(DepotSettings.RESULTS_DIR + " is not writable");
    }
    Path temp = configuredTemp;
    if (!Files.isDirectory(temp)) {
      try {
        Files.createDirectories(temp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      } catch (IOException e) {
        throw new Refusal(DepotSettings.TEMP_DIR + " cannot be created (" + e.getClass().getSimpleName() + ")");
      }
    }
    temp = temp.toRealPath();
    Optional<String> owner;
    try {
      owner = StoreMarker.read(temp, StoreMarker.TEMP);
    } catch (IOException e) {
      throw new Refusal(DepotSettings.TEMP_DIR + " has a damaged marker (" + e.getMessage() + ")");
    }
    if (owner.isPresent() && !owner.get().equals(id)) {
      throw new Refusal(DepotSettings.TEMP_DIR + " is the staging area of store " + owner.get() + ", not of " + id);
    }
    if (owner.isEmpty()) {
      if (!Staging.onlyDepotEntries(temp)) {
        throw new Refusal(DepotSettings.TEMP_DIR + " is not empty and not Depot's: Depot deletes leftovers in its temp"
            + " directory, so it only takes an empty one (or one it marked)");
      }
      StoreMarker.write(temp, StoreMarker.TEMP, id);
    }
    try {
      Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rwx------"));
    } catch (UnsupportedOperationException e) {
      LOG.fine("temp directory permissions not set: filesystem is not POSIX");
    }
    if (!Files.isWritable(temp)) {
      throw new Refusal(DepotSettings.TEMP_DIR + " is not writable");
    }
    FileStore rootStore = Files.getFileStore(root);
    if (!rootStore.equals(Files.getFileStore(temp))) {
      Path t = temp;
      LOG.warning(() -> DepotSettings.TEMP_DIR + " " + t + " is on another filesystem than " + DepotSettings.RESULTS_DIR + " " + root
          + ": uploads cannot be published by an atomic rename and will fail. Put the temp directory on the"
          + " results filesystem (the default does).");
    }
    Optional<String> tempInRoot = temp.startsWith(root) && !temp.equals(root)
        ? Optional.of(root.relativize(temp).toString().replace(java.io.File.separatorChar, '/'))
        : Optional.empty();
    boolean directoryFsync = true;
    try (Tree tree = Tree.open(root)) {
      Tree.fsync(tree.root());
    } catch (IOException e) {
      directoryFsync = false;
      LOG.log(Level.WARNING, "The filesystem of " + root + " cannot fsync a directory: a rename is durable only when"
          + " the filesystem makes it so", e);
    }
    return new Attachment(id, root, temp, tempInRoot, directoryFsync);
  }
}
