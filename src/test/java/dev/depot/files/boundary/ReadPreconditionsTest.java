package dev.depot.files.boundary;

import static dev.depot.files.boundary.ReadPreconditions.Outcome.NOT_MODIFIED;
import static dev.depot.files.boundary.ReadPreconditions.Outcome.PRECONDITION_FAILED;
import static dev.depot.files.boundary.ReadPreconditions.Outcome.PROCEED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depot.storage.entity.StoredFile;
import jakarta.ws.rs.core.HttpHeaders;
import java.lang.reflect.Proxy;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** RFC 9110 §13.2.2 order, on a file last modified at {@link #MODIFIED} with SHA-256 "abc". */
class ReadPreconditionsTest {

  private static final Instant MODIFIED = Instant.parse("2026-01-02T03:04:05.678Z");
  private static final String AT = "Fri, 02 Jan 2026 03:04:05 GMT";
  private static final String BEFORE = "Fri, 02 Jan 2026 03:04:04 GMT";
  private static final StoredFile FILE = file();

  @Test
  void noConditionsProceed() {
    assertEquals(PROCEED, evaluate(Map.of()));
  }

  @Test
  void ifNoneMatchGivesNotModifiedWithWeakComparison() {
    assertEquals(NOT_MODIFIED, evaluate(Map.of("If-None-Match", "\"x\", W/\"abc\"")));
    assertEquals(NOT_MODIFIED, evaluate(Map.of("If-None-Match", "*")));
    assertEquals(PROCEED, evaluate(Map.of("If-None-Match", "\"x\"")));
  }

  @Test
  void ifModifiedSinceComparesWholeSeconds() {
    assertEquals(NOT_MODIFIED, evaluate(Map.of("If-Modified-Since", AT)));
    assertEquals(PROCEED, evaluate(Map.of("If-Modified-Since", BEFORE)));
    assertEquals(PROCEED, evaluate(Map.of("If-Modified-Since", "yesterday")));
  }

  @Test
  void ifNoneMatchOverridesIfModifiedSince() {
    assertEquals(PROCEED, evaluate(Map.of("If-None-Match", "\"x\"", "If-Modified-Since", AT)));
  }

  @Test
  void ifMatchAndIfUnmodifiedSinceFail() {
    assertEquals(PRECONDITION_FAILED, evaluate(Map.of("If-Match", "\"x\"")));
    assertEquals(PRECONDITION_FAILED, evaluate(Map.of("If-Match", "W/\"abc\"")));
    assertEquals(PROCEED, evaluate(Map.of("If-Match", "\"abc\"")));
    assertEquals(PRECONDITION_FAILED, evaluate(Map.of("If-Unmodified-Since", BEFORE)));
    assertEquals(PROCEED, evaluate(Map.of("If-Unmodified-Since", AT)));
    // If-Match present: If-Unmodified-Since is not looked at.
    assertEquals(PROCEED, evaluate(Map.of("If-Match", "\"abc\"", "If-Unmodified-Since", BEFORE)));
  }

  @Test
  void ifRangeNeedsTheStrongTag() {
    assertTrue(ReadPreconditions.rangeAllowed(headers(Map.of()), FILE));
    assertTrue(ReadPreconditions.rangeAllowed(headers(Map.of("If-Range", "\"abc\"")), FILE));
    assertTrue(ReadPreconditions.rangeAllowed(headers(Map.of("If-Range", " \"abc\" ")), FILE));
    assertFalse(ReadPreconditions.rangeAllowed(headers(Map.of("If-Range", "W/\"abc\"")), FILE));
    assertFalse(ReadPreconditions.rangeAllowed(headers(Map.of("If-Range", "\"old\"")), FILE));
    assertFalse(ReadPreconditions.rangeAllowed(headers(Map.of("If-Range", BEFORE)), FILE));
    assertFalse(ReadPreconditions.rangeAllowed(headers(Map.of("If-Range", "garbage")), FILE));
    assertFalse(ReadPreconditions.rangeAllowed(headers(Map.of("If-Range", "*")), FILE));
    assertFalse(ReadPreconditions.rangeAllowed(headers(Map.of("If-Range", "\"abc\", \"old\"")), FILE));
  }

  /**
   * A date is never a strong validator here: two versions stored within one second share their
   * Last-Modified, so a range by date could splice them. Even the file's exact date sends the whole file.
   */
  @Test
  void ifRangeWithADateNeverAllowsTheRange() {
    assertFalse(ReadPreconditions.rangeAllowed(headers(Map.of("If-Range", AT)), FILE));
    assertFalse(ReadPreconditions.rangeAllowed(headers(Map.of("If-Range", "Fri, 02 Jan 2026 03:04:06 GMT")), FILE));
  }

  @Test
  void datesAreImfFixdate() {
    assertEquals(AT, HttpDates.format(MODIFIED));
    assertEquals("Mon, 05 Jan 2026 00:00:00 GMT", HttpDates.format(Instant.parse("2026-01-05T00:00:00Z")));
  }

  private static ReadPreconditions.Outcome evaluate(Map<String, String> headers) {
    return ReadPreconditions.evaluate(headers(headers), FILE);
  }

  private static StoredFile file() {
    StoredFile file = new StoredFile("a/b", MODIFIED);
    file.describe(10, "abc", "text/plain", null, MODIFIED);
    return file;
  }

  /** Just the two HttpHeaders methods Depot reads. */
  private static HttpHeaders headers(Map<String, String> values) {
    return (HttpHeaders)
        Proxy.newProxyInstance(
            HttpHeaders.class.getClassLoader(),
            new Class<?>[] {HttpHeaders.class},
            (proxy, method, args) ->
                switch (method.getName()) {
                  case "getHeaderString" -> values.get((String) args[0]);
                  case "getRequestHeader" -> values.containsKey((String) args[0]) ? List.of(values.get((String) args[0])) : null;
                  default -> throw new UnsupportedOperationException(method.getName());
                });
  }
}
