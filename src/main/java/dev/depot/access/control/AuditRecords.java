package dev.depot.access.control;

import dev.depot.access.entity.AuditRecord;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.persistence.TypedQuery;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

/**
 * The audit trail's rows: inserted in a transaction of their own (an audit write neither joins nor
 * spoils the request's), read a page at a time newest first, deleted oldest first in bounded batches.
 */
@ApplicationScoped
public class AuditRecords {

  /**
   * The first instant a query may name: PostgreSQL's timestamps end in year 294276 and H2's and SQL's
   * in 9999, and {@code OffsetDateTime} ends before {@code Instant} does, so an instant outside years
   * 0001–9999 would be a server error rather than an answer. No record is ever outside them.
   */
  public static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");

  /** The first instant after the last a query may name (see {@link #EARLIEST}). */
  public static final Instant AFTER_LATEST = Instant.parse("+10000-01-01T00:00:00Z");

  @PersistenceContext(unitName = "depot")
  EntityManager em;

  @Transactional(Transactional.TxType.REQUIRES_NEW)
  public void insert(List<AuditRecord> records) {
    records.forEach(em::persist);
  }

  /** Up to {@code limit} records from {@code since} on, newest first, below {@code after} if given. */
  public List<AuditRecord> page(Instant since, Optional<AuditCursor> after, int limit) {
    TypedQuery<AuditRecord> query = after
        .map(c -> em.createNamedQuery(AuditRecord.PAGE_AFTER, AuditRecord.class).setParameter("time", utc(c.time())).setParameter("id", c.id()))
        .orElseGet(() -> em.createNamedQuery(AuditRecord.PAGE, AuditRecord.class));
    return query.setParameter("since", utc(since)).setMaxResults(limit).getResultList();
  }

  /**
   * Deletes at most {@code max} of the records older than {@code cutoff}, oldest first: a bounded
   * transaction, however far behind the sweep is.
   *
   * @return how many were deleted
   */
  @Transactional(Transactional.TxType.REQUIRES_NEW)
  public int deleteBefore(Instant cutoff, int max) {
    List<String> ids = em.createNamedQuery(AuditRecord.IDS_BEFORE, String.class).setParameter("cutoff", utc(cutoff)).setMaxResults(max).getResultList();
    if (ids.isEmpty()) {
      return 0;
    }
    return em.createNamedQuery(AuditRecord.DELETE_IDS).setParameter("ids", ids).executeUpdate();
  }

  /** Whether {@code instant} is in years 0001–9999, which every supported database and {@code OffsetDateTime} can hold. */
  public static boolean queryable(Instant instant) {
    return !instant.isBefore(EARLIEST) && instant.isBefore(AFTER_LATEST);
  }

  private static OffsetDateTime utc(Instant instant) {
    return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
  }
}
