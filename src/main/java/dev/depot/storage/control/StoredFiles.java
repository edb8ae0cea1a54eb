package dev.depot.storage.control;

import dev.depot.problem.DepotException;

import dev.depot.storage.entity.StoredFile;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.persistence.TypedQuery;
import jakarta.transaction.Transactional;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The JPA repository of {@link StoredFile}s. Returns {@link Optional}, never null. */
@ApplicationScoped
public class StoredFiles {

  @PersistenceContext(unitName = "depot")
  EntityManager em;

  /**
   * The bytes a row describes: their size and SHA-256, the store that holds them and their file's
   * modification time (nanoseconds; with the size, their fingerprint on disk).
   */
  public record Bytes(long size, String sha256, String storeId, long fileMtimeNs) {}

  /** The outcome of {@link #record}: the row as committed, and whether the path was new. */
  public record Recorded(StoredFile file, boolean created) {}

  public Optional<StoredFile> findByPath(String path) {
    return em.createNamedQuery(StoredFile.FIND_BY_PATH, StoredFile.class)
        .setParameter("path", path)
        .getResultStream()
        .findFirst();
  }

  /**
   * The row of {@code path} as the database has it now, read in a new transaction past the providers'
   * shared caches: after a commit whose outcome is unknown (the driver reported a failure, but the
   * database may have committed), this tells what happened.
   */
  @Transactional(Transactional.TxType.REQUIRES_NEW)
  public Optional<StoredFile> findCommitted(String path) {
    return em.createNamedQuery(StoredFile.FIND_BY_PATH, StoredFile.class)
        .setParameter("path", path)
        .setHint("jakarta.persistence.cache.retrieveMode", jakarta.persistence.CacheRetrieveMode.BYPASS)
        .getResultStream()
        .findFirst();
  }

  /** Up to {@code limit} paths of store {@code storeId} after {@code after}, in path order (for recovery). */
  public List<String> pathsInStore(String storeId, String after, int limit) {
    return em.createNamedQuery(StoredFile.PATHS_IN_STORE, String.class)
        .setParameter("store", storeId)
        .setParameter("after", after)
        .setMaxResults(limit)
        .getResultList();
  }

  /** What rows add up to: the sum of their sizes and their number. */
  public record Usage(long bytes, long files) {}

  /** What the rows last written by any of {@code actors} add up to (for quotas). */
  public Usage usage(List<String> actors) {
    Object[] row = em.createNamedQuery(StoredFile.USAGE, Object[].class).setParameter("actors", actors).getSingleResult();
    return new Usage(number(row[0]), number(row[1]));
  }

  /** What the rows add up to per actor that last wrote them (rows without one are left out). */
  public java.util.Map<String, Usage> usageByActor() {
    java.util.Map<String, Usage> usage = new java.util.TreeMap<>();
    for (Object[] row : em.createNamedQuery(StoredFile.USAGE_BY_ACTOR, Object[].class).getResultList()) {
      usage.put((String) row[0], new Usage(number(row[1]), number(row[2])));
    }
    return usage;
  }

  /** SUM of no rows is NULL; providers hand back Long or BigInteger/BigDecimal for SUM and COUNT. */
  private static long number(Object value) {
    return value == null ? 0 : ((Number) value).longValue();
  }

  /** How many rows live in store {@code storeId}. */
  public long countInStore(String storeId) {
    return em.createNamedQuery(StoredFile.COUNT_IN_STORE, Long.class).setParameter("store", storeId).getSingleResult();
  }

  /**
   * Records the fingerprint of the bytes of {@code path} after they were found to match the row's
   * SHA-256 again (a row an older Depot wrote, or a file whose fingerprint changed without its bytes);
   * nothing happens if the row changed meanwhile.
   */
  @Transactional(Transactional.TxType.REQUIRES_NEW)
  public void confirmFingerprint(String path, String sha256, long size, long fileMtimeNs) {
    findByPath(path)
        .filter(row -> row.getSha256().equals(sha256) && row.getSize() == size)
        .ifPresent(row -> row.locate(row.getStoreId(), fileMtimeNs));
  }

  /** Up to {@code limit} stored paths after {@code after}, in path order (for the reconciler). */
  public java.util.List<String> pathsAfter(String after, int limit) {
    return em.createNamedQuery(StoredFile.PATHS_AFTER, String.class)
        .setParameter("after", after)
        .setMaxResults(limit)
        .getResultList();
  }

  /**
   * One keyset page: up to {@code limit} rows whose path starts with {@code prefix} and comes after
   * {@code after}, in path order (the database's order of the path column: code points on PostgreSQL,
   * UTF-16 code units on H2). Rows inserted meanwhile never shift a page: a client continuing from the
   * last path it saw sees each old row exactly once. The prefix is also sent as a key range ({@link
   * PrefixRange}), so that the database reads only the index entries of the prefix.
   */
  public List<StoredFile> page(String prefix, String after, int limit) {
    PrefixRange range = PrefixRange.of(prefix);
    TypedQuery<StoredFile> query = range.upper()
        .map(upper -> em.createNamedQuery(StoredFile.PAGE, StoredFile.class).setParameter("upper", upper))
        .orElseGet(() -> em.createNamedQuery(StoredFile.PAGE_TO_END, StoredFile.class));
    return query
        .setParameter("after", after)
        .setParameter("lower", range.lower())
        .setParameter("pattern", likePrefix(prefix))
        .setMaxResults(limit)
        .getResultList();
  }

  /**
   * Like {@link #page}, but from {@code from} inclusive instead of after a path: a directory listing
   * skips everything below a directory {@code d/} by going on from {@link PrefixRange#of}{@code
   * (d/).upper()}, a key that may itself be a stored path. {@code from} must start at or after {@code prefix}.
   */
  public List<StoredFile> pageFrom(String prefix, String from, int limit) {
    PrefixRange range = PrefixRange.of(prefix);
    TypedQuery<StoredFile> query = range.upper()
        .map(upper -> em.createNamedQuery(StoredFile.PAGE, StoredFile.class).setParameter("upper", upper))
        .orElseGet(() -> em.createNamedQuery(StoredFile.PAGE_TO_END, StoredFile.class));
    return query
        .setParameter("after", "")
        .setParameter("lower", from.compareTo(range.lower()) > 0 ? from : range.lower())
        .setParameter("pattern", likePrefix(prefix))
        .setMaxResults(limit)
        .getResultList();
  }

  /** Deletes the row of {@code path} in its own transaction; false if there was none. */
  @Transactional(Transactional.TxType.REQUIRES_NEW)
  public boolean delete(String path) {
    // find + remove rather than a bulk DELETE, which would bypass the provider's shared cache
    Optional<StoredFile> row = findByPath(path);
    row.ifPresent(em::remove);
    em.flush();
    return row.isPresent();
  }

  /** {@code prefix} as a LIKE pattern that matches it literally, then anything ({@code !} escapes). */
  public static String likePrefix(String prefix) {
    StringBuilder pattern = new StringBuilder(prefix.length() + 1);
    for (char c : prefix.toCharArray()) {
      if (c == '!' || c == '%' || c == '_') {
        pattern.append('!');
      }
      pattern.append(c);
    }
    return pattern.append('%').toString();
  }

  /**
   * Inserts or updates the row of {@code path} in its own short transaction, committed when this
   * returns (the upload's bytes were streamed before, outside any transaction, so a long upload never
   * meets the transaction timeout). {@code precondition} is checked against the row this transaction
   * reads, so the check and the write are one database transaction. A commit failure surfaces as an
   * exception from this call.
   *
   * @throws DepotException PRECONDITION_FAILED if the row read here does not satisfy {@code precondition}
   * @throws PathTakenException if another transaction inserted a row for {@code path} after this one
   *     looked (the unique key on the path caught it); nothing was written, and a retry reads that row
   */
  @Transactional(Transactional.TxType.REQUIRES_NEW)
  public Recorded record(
      String path,
      Bytes bytes,
      String contentType,
      String originalFilename,
      Instant now,
      WritePrecondition precondition,
      String actor) {
    Optional<StoredFile> existing = findByPath(path);
    precondition.check(existing);
    StoredFile file = existing.orElseGet(() -> new StoredFile(path, now));
    file.describe(bytes.size(), bytes.sha256(), contentType, originalFilename, now);
    if (actor != null || existing.isEmpty()) {
      file.writtenBy(actor, existing.isEmpty());
    }
    file.locate(bytes.storeId(), bytes.fileMtimeNs());
    try {
      if (existing.isEmpty()) {
        em.persist(file);
      }
      em.flush();
    } catch (RuntimeException e) { // PersistenceException on Hibernate; EclipseLink may throw its own
      if (isUniqueViolation(e)) {
        throw new PathTakenException(path, e);
      }
      throw e;
    }
    return new Recorded(file, existing.isEmpty());
  }

  /**
   * Another transaction inserted the row of this path between this one's read and its insert. Within
   * one server {@link PathLocks} serialises writers of a path, so this is rare (a second server on the
   * same database, or a read that missed a commit); the database's unique key on the path is the last
   * guard, and the caller retries once, reading the row that is now there.
   */
  public static class PathTakenException extends RuntimeException {
    PathTakenException(String path, Throwable cause) {
      super("Another transaction inserted the row of " + path, cause);
    }
  }

  /**
   * Whether {@code e} (anywhere in its cause chain) is a unique-key violation: SQLSTATE 23505, which
   * H2 and PostgreSQL both use, however EclipseLink or Hibernate wrap it.
   */
  static boolean isUniqueViolation(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql) {
        for (SQLException s = sql; s != null; s = s.getNextException()) {
          if (UNIQUE_VIOLATION.equals(s.getSQLState())) {
            return true;
          }
        }
      }
    }
    return false;
  }

  /** SQLSTATE of a unique-key violation (SQL standard class 23, integrity constraint violation). */
  private static final String UNIQUE_VIOLATION = "23505";
}
