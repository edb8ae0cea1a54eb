package dev.depot.access.control;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;

/**
 * Where a page of the audit trail ended: the time and id of its last (oldest) record, opaque to the
 * client (base64url of {@code seconds.nanos/id}). The next page holds the records strictly older in
 * (time, id) order, so records written meanwhile neither repeat nor shift the pages.
 */
public record AuditCursor(Instant time, String id) {

  public String encode() {
    String text = time.getEpochSecond() + "." + time.getNano() + "/" + id;
    return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  /** The cursor {@code text} names, or empty if it is not one Depot made. */
  public static Optional<AuditCursor> parse(String text) {
    try {
      String decoded = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.UTF_8);
      int slash = decoded.indexOf('/');
      if (slash < 0 || !decoded.substring(0, slash).matches("-?[0-9]{1,19}\\.[0-9]{1,9}") || decoded.length() - slash - 1 > 36
          || slash == decoded.length() - 1) {
        return Optional.empty();
      }
      String[] seconds = decoded.substring(0, slash).split("\\.");
      Instant time = Instant.ofEpochSecond(Long.parseLong(seconds[0]), Long.parseLong(seconds[1]));
      if (!AuditRecords.queryable(time)) {
        return Optional.empty(); // Depot makes cursors from records' times, which are all queryable
      }
      return Optional.of(new AuditCursor(time, decoded.substring(slash + 1)));
    } catch (IllegalArgumentException | java.time.DateTimeException | ArithmeticException e) {
      return Optional.empty();
    }
  }
}
