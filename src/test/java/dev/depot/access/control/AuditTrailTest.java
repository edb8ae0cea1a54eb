package dev.depot.access.control;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.depot.access.entity.AuditRecord;
import dev.depot.config.DepotSettings;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AuditTrailTest {

  private static final AuditEntry PUT = new AuditEntry("PUT", "a.txt", 1L, "a".repeat(64), 201, null);

  /** Rows in a list; deletes answer what the test says and remember their cutoffs. */
  static class Rows extends AuditRecords {
    final List<AuditRecord> inserted = new ArrayList<>();
    final List<Instant> cutoffs = new ArrayList<>();
    int deleting;
    boolean failing;

    @Override
    public void insert(List<AuditRecord> records) {
      if (failing) {
        throw new IllegalStateException("database down");
      }
      inserted.addAll(records);
    }

    @Override
    public int deleteBefore(Instant cutoff, int max) {
      if (failing) {
        throw new IllegalStateException("database down");
      }
      cutoffs.add(cutoff);
      return Math.min(deleting, max);
    }
  }

  private final Rows rows = new Rows();
  private Instant now = Instant.parse("2026-12-02T08:00:00Z");
  private final AuditTrail cut = trail();

  private AuditTrail trail() {
    AuditTrail trail = new AuditTrail();
    trail.records = rows;
    trail.settings = new DepotSettings() {
      @Override
      public Duration auditRetention() {
        return Duration.ofDays(30);
      }
    };
    return trail;
  }

  private void record() {
    cut.clock = Clock.fixed(now, ZoneOffset.UTC);
    cut.record("alice", "10.0.0.1", List.of(PUT));
  }

  @Test
  void aRecordCarriesWhoFromWhereAndWhen() {
    record();
    AuditRecord r = rows.inserted.get(0);
    assertEquals(List.of("alice", "10.0.0.1", "PUT", "a.txt", 201, now),
        List.of(r.getPrincipal(), r.getRemoteAddress(), r.getAction(), r.getPath(), r.getStatus(), r.getTime()));
  }

  @Test
  void theFirstInsertSweepsAndTheNextHourDoesNot() {
    record();
    assertEquals(List.of(now.minus(Duration.ofDays(30))), rows.cutoffs);
    now = now.plus(Duration.ofMinutes(59));
    record();
    assertEquals(1, rows.cutoffs.size());
    now = now.plus(Duration.ofMinutes(1));
    record();
    assertEquals(2, rows.cutoffs.size(), "an hour after the last sweep");
  }

  @Test
  void aFullBatchIsFollowedByAnotherAtTheNextInsert() {
    rows.deleting = AuditTrail.SWEEP_BATCH;
    record();
    record();
    assertEquals(2, rows.cutoffs.size());
    rows.deleting = 10;
    record();
    record();
    assertEquals(3, rows.cutoffs.size(), "the backlog is gone: back to hourly");
  }

  @Test
  void aDatabaseThatFailsNeverFailsTheRequest() {
    rows.failing = true;
    record(); // no exception
    rows.failing = false;
    record();
    assertEquals(1, rows.inserted.size());
  }

  @Test
  void nothingToRecordWritesNothing() {
    cut.record("alice", "10.0.0.1", List.of());
    assertEquals(List.of(), rows.inserted);
    assertEquals(List.of(), rows.cutoffs);
  }
}
