package dev.depot.uploads.control;

import dev.depot.uploads.entity.ResumableUpload;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.CacheRetrieveMode;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The JPA repository of {@link ResumableUpload}s. Every change is its own transaction, and a change
 * reads the row locked ({@code SELECT … FOR UPDATE}) past the providers' caches, so that the check a
 * change depends on (the offset it continues from, the state) and the change commit together.
 */
@ApplicationScoped
public class ResumableUploadRecords {

  @PersistenceContext(unitName = "depot")
  EntityManager em;

  @Transactional(Transactional.TxType.REQUIRES_NEW)
  public void insert(ResumableUpload upload) {
    em.persist(upload);
  }

  /** The row as the database has it now (not a cached copy: another instance may have moved it). */
  @Transactional(Transactional.TxType.REQUIRES_NEW)
  public Optional<ResumableUpload> find(String id) {
    ResumableUpload found = em.find(ResumableUpload.class, id, java.util.Map.of("jakarta.persistence.cache.retrieveMode", CacheRetrieveMode.BYPASS));
    if (found != null) {
      em.detach(found);
    }
    return Optional.ofNullable(found);
  }

  /**
   * Applies {@code change} to the row read under a write lock, if it is still at {@code version}, and
   * commits; returns the changed row, or empty if the row is gone or was changed meanwhile.
   */
  @Transactional(Transactional.TxType.REQUIRES_NEW)
  public Optional<ResumableUpload> update(String id, long version, Consumer<ResumableUpload> change) {
    ResumableUpload row = em.find(ResumableUpload.class, id, LockModeType.PESSIMISTIC_WRITE,
        java.util.Map.of("jakarta.persistence.cache.retrieveMode", CacheRetrieveMode.BYPASS));
    if (row == null || row.getVersion() != version) {
      return Optional.empty();
    }
    change.accept(row);
    em.flush();
    em.detach(row);
    return Optional.of(row);
  }

  /**
   * Claims the upload for the request holding {@code token} until {@code untilMs}, if nobody holds it
   * or its holder's lease ran out before {@code nowMs}; also renews the holder's own claim. One
   * conditional UPDATE, so two instances racing for a claim cannot both win. Native SQL: the claim
   * columns are not mapped, so no provider's full-row update of the entity ever writes them back.
   */
  @Transactional(Transactional.TxType.REQUIRES_NEW)
  public boolean claim(String id, String token, long nowMs, long untilMs) {
    return em.createNativeQuery("UPDATE resumable_upload SET claimed_by = ?1, claimed_until_ms = ?2"
            + " WHERE id = ?3 AND (claimed_by IS NULL OR claimed_by = ?1 OR claimed_until_ms < ?4)")
        .setParameter(1, token)
        .setParameter(2, untilMs)
        .setParameter(3, id)
        .setParameter(4, nowMs)
        .executeUpdate() == 1;
  }

  /** Gives up the claim of {@code token} (no-op if it lost it, or the row is gone). */
  @Transactional(Transactional.TxType.REQUIRES_NEW)
  public void release(String id, String token) {
    em.createNativeQuery("UPDATE resumable_upload SET claimed_by = NULL, claimed_until_ms = NULL WHERE id = ?1 AND claimed_by = ?2")
        .setParameter(1, id)
        .setParameter(2, token)
        .executeUpdate();
  }

  /** Deletes the row; false if it was already gone. */
  @Transactional(Transactional.TxType.REQUIRES_NEW)
  public boolean delete(String id) {
    ResumableUpload row = em.find(ResumableUpload.class, id, LockModeType.PESSIMISTIC_WRITE);
    if (row == null) {
      return false;
    }
    em.remove(row);
    return true;
  }

  /** Up to {@code max} ids of uploads that expired before {@code now}, oldest first. */
  public List<String> expired(Instant now, int max) {
    return em.createNamedQuery(ResumableUpload.EXPIRED, String.class)
        .setParameter("now", OffsetDateTime.ofInstant(now, ZoneOffset.UTC))
        .setMaxResults(max)
        .getResultList();
  }

  /** The ids of every upload whose bytes live in store {@code storeId} (for the sweep of files without a row). */
  public List<String> idsInStore(String storeId) {
    return em.createNamedQuery(ResumableUpload.IDS_IN_STORE, String.class).setParameter("store", storeId).getResultList();
  }
}
