package dev.depot.storage.control;

import dev.depot.storage.entity.StoredFile;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** {@link StoredFiles} without a database, for unit tests; can be told to fail the next commit. */
public class InMemoryStoredFiles extends StoredFiles {

  public final Map<String, StoredFile> rows = new ConcurrentHashMap<>();

  /** A {@link SpaceAdmission} reading {@code settings}, as CDI would wire it. */
  public static SpaceAdmission admission(dev.depot.config.DepotSettings settings) {
    SpaceAdmission admission = new SpaceAdmission();
    admission.settings = settings;
    return admission;
  }

  public volatile RuntimeException failNextCommit;

  @Override
  public Optional<StoredFile> findByPath(String path) {
    return Optional.ofNullable(rows.get(path));
  }

  @Override
  public java.util.List<String> pathsAfter(String after, int limit) {
    return rows.keySet().stream().filter(k -> k.compareTo(after) > 0).sorted().limit(limit).toList();
  }

  @Override
  public java.util.List<StoredFile> pageFrom(String prefix, String from, int limit) {
    return rows.values().stream()
        .filter(r -> r.getPath().startsWith(prefix) && r.getPath().compareTo(from) >= 0)
        .sorted(java.util.Comparator.comparing(StoredFile::getPath))
        .limit(limit)
        .toList();
  }

  @Override
  public java.util.List<StoredFile> page(String prefix, String after, int limit) {
    return rows.values().stream()
        .filter(r -> r.getPath().startsWith(prefix) && r.getPath().compareTo(after) > 0)
        .sorted(java.util.Comparator.comparing(StoredFile::getPath))
        .limit(limit)
        .toList();
  }

  @Override
  public boolean delete(String path) {
    return rows.remove(path) != null;
  }

  /**
   * Hides the row of {@code path} from reads until an insert of that path collides with it, as if
   * another writer committed it after this writer's reads: the way a database's unique key would catch
   * a read that missed a commit.
   */
  public void hideUntilInsert(String path) {
    hidden.put(path, rows.remove(path));
  }

  private final Map<String, StoredFile> hidden = new ConcurrentHashMap<>();

  /** Set: the next record() commits, then reports a failure, as a broken connection can. */
  public volatile RuntimeException failAfterNextCommit;

  /** Set: the next read back after a failed commit fails too (the database is unreachable). */
  public volatile boolean failNextReadBack;

  @Override
  public Optional<StoredFile> findCommitted(String path) {
    if (failNextReadBack) {
      failNextReadBack = false;
      throw new IllegalStateException("database unreachable");
    }
    return findByPath(path);
  }

  @Override
  public java.util.List<String> pathsInStore(String storeId, String after, int limit) {
    return rows.values().stream()
        .filter(f -> storeId.equals(f.getStoreId()) && f.getPath().compareTo(after) > 0)
        .map(StoredFile::getPath).sorted().limit(limit).toList();
  }

  @Override
  public Usage usage(java.util.List<String> actors) {
    return new Usage(
        rows.values().stream().filter(f -> actors.contains(f.getModifiedBy())).mapToLong(StoredFile::getSize).sum(),
        rows.values().stream().filter(f -> actors.contains(f.getModifiedBy())).count());
  }

  @Override
  public java.util.Map<String, Usage> usageByActor() {
    java.util.Map<String, Usage> usage = new java.util.TreeMap<>();
    for (StoredFile f : rows.values()) {
      if (f.getModifiedBy() != null) {
        usage.merge(f.getModifiedBy(), new Usage(f.getSize(), 1), (a, b) -> new Usage(a.bytes() + b.bytes(), a.files() + b.files()));
      }
    }
    return usage;
  }

  @Override
  public long countInStore(String storeId) {
    return rows.values().stream().filter(f -> storeId.equals(f.getStoreId())).count();
  }

  @Override
  public void confirmFingerprint(String path, String sha256, long size, long fileMtimeNs) {
    Optional.ofNullable(rows.get(path))
        .filter(row -> row.getSha256().equals(sha256) && row.getSize() == size)
        .ifPresent(row -> row.locate(row.getStoreId(), fileMtimeNs));
  }

  @Override
  public Recorded record(
      String path, Bytes bytes, String contentType, String originalFilename, Instant now,
      WritePrecondition precondition, String actor) {
    RuntimeException failure = failNextCommit;
    if (failure != null) {
      failNextCommit = null;
      throw failure;
    }
    StoredFile existing = rows.get(path);
    precondition.check(Optional.ofNullable(existing));
    StoredFile unseen = hidden.remove(path);
    if (existing == null && unseen != null) {
      rows.put(path, unseen);
      throw new PathTakenException(path, null);
    }
    StoredFile file = existing != null ? existing : new StoredFile(path, now);
    file.describe(bytes.size(), bytes.sha256(), contentType, originalFilename, now);
    if (actor != null || existing == null) {
      file.writtenBy(actor, existing == null);
    }
    file.locate(bytes.storeId(), bytes.fileMtimeNs());
    rows.put(path, file);
    RuntimeException afterCommit = failAfterNextCommit;
    if (afterCommit != null) {
      failAfterNextCommit = null;
      throw afterCommit;
    }
    return new Recorded(file, existing == null);
  }
}
