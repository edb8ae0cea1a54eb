package dev.depot.access.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class AuditCursorTest {

  @Test
  void aCursorReadsBackAsTheTimeAndIdItWasMadeOf() {
    AuditCursor cursor = new AuditCursor(Instant.parse("2026-12-02T08:30:00.123456Z"), UUID.randomUUID().toString());
    assertEquals(Optional.of(cursor), AuditCursor.parse(cursor.encode()));
  }

  @Test
  void aCursorDepotDidNotMakeIsRefused() {
    for (String text : new String[] {"", "!!", "bm9wZQ", encode("12/"), encode("x.1/id"), encode("1.2"), encode("1.2/" + "x".repeat(37))}) {
      assertTrue(AuditCursor.parse(text).isEmpty(), text);
    }
  }

  @Test
  void aCursorOutsideTheYears1To9999IsRefused() {
    // Instant.MAX's seconds: a valid Instant that OffsetDateTime.ofInstant (and the database) cannot hold.
    for (long seconds : new long[] {Instant.MAX.getEpochSecond(), Instant.MIN.getEpochSecond(), Instant.parse("+10000-01-01T00:00:00Z").getEpochSecond(),
        Instant.parse("0001-01-01T00:00:00Z").getEpochSecond() - 1}) {
      assertTrue(AuditCursor.parse(encode(seconds + ".0/id")).isEmpty(), Long.toString(seconds));
    }
    assertTrue(AuditCursor.parse(encode(Instant.parse("0001-01-01T00:00:00Z").getEpochSecond() + ".0/id")).isPresent());
  }

  private static String encode(String text) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }
}
