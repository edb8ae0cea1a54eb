package dev.depot.files.boundary;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Locale;

/**
 * HTTP dates (RFC 9110 §5.6.7). Depot sends IMF-fixdate ({@code Sun, 06 Nov 1994 08:49:37 GMT}) and
 * reads it back; the obsolete RFC 850 and asctime forms are not parsed, so a header using them is
 * ignored, which the RFC allows for an invalid date.
 */
public final class HttpDates {

  private static final DateTimeFormatter IMF_FIXDATE =
      DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);

  private HttpDates() {}

  public static String format(Instant instant) {
    return IMF_FIXDATE.format(instant);
  }

  /** The instant of an HTTP date, or null if absent or not an IMF-fixdate. */
  static Instant parse(String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    try {
      return Instant.from(IMF_FIXDATE.parse(value.trim()));
    } catch (DateTimeParseException e) {
      try {
        return Instant.from(DateTimeFormatter.RFC_1123_DATE_TIME.parse(value.trim()));
      } catch (DateTimeParseException again) {
        return null;
      }
    }
  }

  /** An instant as {@code Last-Modified} states it: whole seconds. */
  static Instant seconds(Instant instant) {
    return instant.truncatedTo(ChronoUnit.SECONDS);
  }
}
