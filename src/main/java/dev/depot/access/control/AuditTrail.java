package dev.depot.access.control;

import dev.depot.access.entity.AuditRecord;
import dev.depot.config.DepotSettings;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Writes the audit trail and keeps it to {@code depot.audit-retention}. Recording never fails the
 * request it describes: the answer has been decided by then, and an unavailable database must not
 * turn a stored file into a 500 (the failure is logged with what was lost).
 *
 * <p>Retention without a scheduler: after an insert, at most once an hour, records older than the
 * retention time are deleted, up to {@value #SWEEP_BATCH} in one transaction; when a batch was full
 * the next insert sweeps again, so a backlog drains at the pace records arrive and no request carries
 * more than one batch. No EJB timer or managed executor is needed, so it behaves the same on Payara
 * and WildFly; a Depot that records nothing deletes nothing, which is harmless.
 */
@ApplicationScoped
public class AuditTrail {

  private static final Logger LOG = Logger.getLogger(AuditTrail.class.getName());

  static final int SWEEP_BATCH = 1000;
  static final Duration SWEEP_INTERVAL = Duration.ofHours(1);

  @Inject AuditRecords records;
  @Inject DepotSettings settings;

  /** The trail's clock; a test's own in unit tests. */
  Clock clock = Clock.systemUTC();

  private final AtomicReference<Instant> nextSweep = new AtomicReference<>(Instant.MIN);

  /** Records {@code entries} as one request's, made by {@code actor} (null: anonymous) from {@code remoteAddress}. */
  public void record(String actor, String remoteAddress, List<AuditEntry> entries) {
    if (entries.isEmpty()) {
      return;
    }
    // Microseconds: what the column keeps, so a record read back shows the time it was written with.
    Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
    // The records clean what the client sent (AuditRecord.printable): what is logged is them, never the entries.
    List<AuditRecord> made = entries.stream()
        .map(e -> new AuditRecord(now, actor, e.claimedPrincipal(), remoteAddress, e.action(), e.path(), e.size(), e.sha256(), e.status(), e.code()))
        .toList();
    try {
      records.insert(made);
    } catch (RuntimeException e) {
      LOG.log(Level.SEVERE, "Audit records could not be written and are lost: " + made, e);
      return;
    }
    sweepIfDue(now);
  }

  private void sweepIfDue(Instant now) {
    Instant due = nextSweep.get();
    if (now.isBefore(due) || !nextSweep.compareAndSet(due, now.plus(SWEEP_INTERVAL))) {
      return; // not yet, or another request is sweeping
    }
    try {
      if (sweep(now) == SWEEP_BATCH) {
        nextSweep.set(now); // more to delete: the next insert goes on
      }
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "The audit retention sweep failed; it is tried again in " + SWEEP_INTERVAL, e);
    }
  }

  /**
   * Deletes one batch of records older than the retention time at {@code now}.
   *
   * @return how many were deleted (at most {@value #SWEEP_BATCH})
   */
  public int sweep(Instant now) {
    return records.deleteBefore(now.minus(settings.auditRetention()), SWEEP_BATCH);
  }
}
