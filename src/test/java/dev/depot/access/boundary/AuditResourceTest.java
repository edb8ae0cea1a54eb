package dev.depot.access.boundary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depot.problem.DepotException;
import dev.depot.problem.Problem;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class AuditResourceTest {

  @Test
  void sinceTakesAnInstantOrAnOffsetDateTimeAndDefaultsToEverything() {
    assertEquals(Instant.parse("2026-12-01T00:00:00Z"), AuditResource.since("2026-12-01T00:00:00Z"));
    assertEquals(Instant.parse("2026-11-30T23:00:00Z"), AuditResource.since("2026-12-01T00:00:00+01:00"));
    assertEquals(Instant.EPOCH, AuditResource.since(null));
  }

  @Test
  void aSinceThatIsNoTimeIsABadRequest() {
    DepotException e = assertThrows(DepotException.class, () -> AuditResource.since("yesterday"));
    assertTrue(e.is(Problem.INVALID_PARAMETER));
  }

  @Test
  void aSinceOutsideTheYears1To9999IsABadRequestNotAServerError() {
    for (String bad : new String[] {"+300000-01-01T00:00:00Z", "-0001-12-31T00:00:00Z", "0000-12-31T23:59:59Z", "+10000-01-01T00:00:00Z",
        "0001-01-01T00:30:00+01:00"}) {
      assertTrue(assertThrows(DepotException.class, () -> AuditResource.since(bad)).is(Problem.INVALID_PARAMETER), bad);
    }
    assertEquals(Instant.parse("0001-01-01T00:00:00Z"), AuditResource.since("0001-01-01T00:00:00Z"));
    assertEquals(Instant.parse("9999-12-31T23:59:59.999999Z"), AuditResource.since("9999-12-31T23:59:59.999999Z"));
  }

  @Test
  void limitDefaultsTo100AndIsCappedAt1000() {
    assertEquals(100, AuditResource.limit(null));
    assertEquals(7, AuditResource.limit("7"));
    assertEquals(1000, AuditResource.limit("5000"));
    assertEquals(1000, AuditResource.limit("999999999999999999"));
  }

  @Test
  void aLimitThatIsNoPositiveWholeNumberIsABadRequest() {
    for (String bad : new String[] {"0", "-1", "ten", "1.5"}) {
      assertTrue(assertThrows(DepotException.class, () -> AuditResource.limit(bad)).is(Problem.INVALID_PARAMETER), bad);
    }
  }
}
