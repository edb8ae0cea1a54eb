package dev.depot.access.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depot.access.entity.AuditRecord;
import dev.depot.config.DepotSettings;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
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

  @Test
  void controlCharactersTheClientSentAreReplacedBeforeTheyReachTheDatabase() {
    // PostgreSQL refuses U+0000 in text, so the whole refusal was lost; CR/LF forge log lines.
    cut.record("eve\u0000", "10.0.0.1", List.of(new AuditEntry("PUT", "a/\u0000b\r\nSEVERE: forged\u001b[2J\u007f", null, null, 401, "X\n", "mallory\r\n" + "m".repeat(300))));
    AuditRecord r = rows.inserted.get(0);
    assertEquals("eve\ufffd", r.getPrincipal());
    assertEquals("a/\ufffdb\ufffd\ufffdSEVERE: forged\ufffd[2J\ufffd", r.getPath());
    assertEquals("X\ufffd", r.getProblemCode());
    assertEquals("mallory\ufffd\ufffd" + "m".repeat(246), r.getClaimedPrincipal(), "cut to its column");
  }

  @Test
  void printableTextKeepsEverythingElseAndCutsToTheColumnWithoutSplittingAPair() {
    assertEquals("caf\u00e9 \u00a0\ud83d\ude00/x", AuditRecord.printable("caf\u00e9 \u00a0\ud83d\ude00/x", 100));
    assertEquals("ab", AuditRecord.printable("ab\ud83d\ude00", 3));
    assertEquals(255, AuditRecord.printable("\n".repeat(300), 255).length());
    assertEquals(null, AuditRecord.printable(null, 10));
  }

  @Test
  void aLostRecordIsLoggedWithoutTheClientsControlCharacters() {
    List<String> logged = new ArrayList<>();
    Handler handler = new Handler() {
      @Override
      public void publish(LogRecord record) {
        logged.add(record.getMessage());
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    Logger logger = Logger.getLogger(AuditTrail.class.getName());
    logger.addHandler(handler);
    try {
      rows.failing = true;
      cut.record("eve\nINFO: fine", "10.0.0.1", List.of(new AuditEntry("PUT", "x\r\nSEVERE: forged", null, null, 403, "FORBIDDEN")));
    } finally {
      logger.removeHandler(handler);
    }
    assertEquals(1, logged.size());
    assertFalse(logged.get(0).chars().anyMatch(c -> c < 0x20 || c == 0x7f), logged.get(0));
    assertTrue(logged.get(0).contains("x\ufffd\ufffdSEVERE: forged"), logged.get(0));
  }
}
