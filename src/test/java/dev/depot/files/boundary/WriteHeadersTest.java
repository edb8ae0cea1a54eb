package dev.depot.files.boundary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depot.storage.control.WritePrecondition;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The write precondition built from the request's If-Match, If-None-Match and If-Unmodified-Since. */
class WriteHeadersTest {

  private static final String DATE = "Fri, 02 Jan 2026 03:04:05 GMT";

  private final WriteHeaders cut = new WriteHeaders();

  @Test
  void noHeadersNoCondition() {
    assertTrue(cut.precondition().isNone());
  }

  @Test
  void ifUnmodifiedSinceIsTheDateItGives() {
    cut.ifUnmodifiedSince = List.of(DATE);

    WritePrecondition precondition = cut.precondition();

    assertFalse(precondition.isNone());
    assertEquals(Instant.parse("2026-01-02T03:04:05Z"), precondition.unmodifiedSince());
    assertNull(precondition.ifMatch());
    assertNull(precondition.ifNoneMatch());
  }

  @Test
  void ifUnmodifiedSinceSplitAtItsCommaByTheJaxRsImplementationIsStillOneDate() {
    cut.ifUnmodifiedSince = List.of("Fri", "02 Jan 2026 03:04:05 GMT");

    assertEquals(Instant.parse("2026-01-02T03:04:05Z"), cut.precondition().unmodifiedSince());
  }

  @Test
  void anInvalidIfUnmodifiedSinceIsIgnored() {
    // RFC 9110 §13.1.4: ignored if not a valid HTTP-date, including what looks like a list of dates.
    for (List<String> invalid :
        List.of(
            List.of("yesterday"),
            List.of(""),
            List.of("2026-01-02T03:04:05Z"),
            List.of(DATE + ", " + DATE),
            List.of(DATE, DATE),
            List.of("Fri, 32 Jan 2026 03:04:05 GMT"))) {
      cut.ifUnmodifiedSince = invalid;

      WritePrecondition precondition = cut.precondition();

      assertNull(precondition.unmodifiedSince(), invalid.toString());
      assertTrue(precondition.isNone(), invalid.toString());
    }
  }

  @Test
  void ifMatchAndIfNoneMatchBecomeVersions() {
    cut.ifMatch = List.of("\"aa\", W/\"bb\"");
    cut.ifNoneMatch = List.of("W/\"cc\"");
    cut.ifUnmodifiedSince = List.of(DATE);

    WritePrecondition precondition = cut.precondition();

    assertEquals(WritePrecondition.Versions.of(Set.of("aa")), precondition.ifMatch());
    assertEquals(WritePrecondition.Versions.of(Set.of("cc")), precondition.ifNoneMatch());
    // Kept as sent; WritePrecondition ignores it because If-Match is present (RFC 9110 §13.2.2).
    assertEquals(Instant.parse("2026-01-02T03:04:05Z"), precondition.unmodifiedSince());
  }
}
