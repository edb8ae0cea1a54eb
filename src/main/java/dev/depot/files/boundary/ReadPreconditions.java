package dev.depot.files.boundary;

import dev.depot.storage.entity.StoredFile;
import jakarta.ws.rs.core.HttpHeaders;
import java.time.Instant;

/**
 * Evaluates a GET's or HEAD's conditional headers against a stored file, in RFC 9110 §13.2.2 order:
 * {@code If-Match}, else {@code If-Unmodified-Since} (failing → 412); then {@code If-None-Match}, else
 * {@code If-Modified-Since} (matching → 304); then {@code If-Range} (a strong entity tag only) for a
 * {@code Range} request. Evaluated here rather than with {@code Request.evaluatePreconditions}, whose
 * details (weak comparison, date precedence, the body of a 412) differ between JAX-RS implementations.
 */
final class ReadPreconditions {

  enum Outcome {
    PROCEED,
    NOT_MODIFIED,
    PRECONDITION_FAILED
  }

  private ReadPreconditions() {}

  static Outcome evaluate(HttpHeaders headers, StoredFile file) {
    Instant modified = HttpDates.seconds(file.getModified());
    EntityTags ifMatch = EntityTags.parse(headers.getRequestHeader("If-Match"));
    if (ifMatch != null) {
      if (!ifMatch.matchesStrong(file.getSha256())) {
        return Outcome.PRECONDITION_FAILED;
      }
    } else {
      Instant ifUnmodifiedSince = HttpDates.parse(headers.getHeaderString("If-Unmodified-Since"));
      if (ifUnmodifiedSince != null && modified.isAfter(ifUnmodifiedSince)) {
        return Outcome.PRECONDITION_FAILED;
      }
    }
    EntityTags ifNoneMatch = EntityTags.parse(headers.getRequestHeader("If-None-Match"));
    if (ifNoneMatch != null) {
      return ifNoneMatch.matchesWeak(file.getSha256()) ? Outcome.NOT_MODIFIED : Outcome.PROCEED;
    }
    Instant ifModifiedSince = HttpDates.parse(headers.getHeaderString("If-Modified-Since"));
    if (ifModifiedSince != null && !modified.isAfter(ifModifiedSince)) {
      return Outcome.NOT_MODIFIED;
    }
    return Outcome.PROCEED;
  }

  /**
   * Whether a {@code Range} may be honoured (RFC 9110 §13.1.5): yes without {@code If-Range}; with one,
   * only if it is exactly the file's strong entity tag. A date is never taken as a match, although the
   * RFC allows a "strong" date: {@code Last-Modified} has whole seconds, so two versions stored within
   * one second share it, and a range by date would splice the new version's bytes onto the old one's.
   * A weak tag, {@code *}, a list or anything malformed does not match either; not matching means the
   * whole file with {@code 200}, never an error.
   */
  static boolean rangeAllowed(HttpHeaders headers, StoredFile file) {
    String ifRange = headers.getHeaderString("If-Range");
    if (ifRange == null || ifRange.isBlank()) {
      return true;
    }
    String value = ifRange.trim();
    return value.length() >= 2
        && value.charAt(0) == '"'
        && value.indexOf('"', 1) == value.length() - 1
        && value.substring(1, value.length() - 1).equals(file.getSha256());
  }
}
