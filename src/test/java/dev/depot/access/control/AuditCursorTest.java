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

  private static String encode(String text) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }
}
