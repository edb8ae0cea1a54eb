package dev.depot.problem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ProblemTest {

  /** The wire codes clients switch on, with their statuses: these never change. */
  @Test
  void wireCodesAndStatusesStayAsPublished() {
    Map<String, Integer> published = Map.ofEntries(
        Map.entry("INVALID_PATH", 400), Map.entry("INVALID_CONTENT_TYPE", 400), Map.entry("UPLOAD_INCOMPLETE", 400),
        Map.entry("MALFORMED_MULTIPART", 400), Map.entry("MISSING_FILE_PART", 400), Map.entry("DIGEST_MISMATCH", 400),
        Map.entry("INVALID_DIGEST", 400), Map.entry("INVALID_PARAMETER", 400), Map.entry("NOT_FOUND", 404),
        Map.entry("UNAUTHENTICATED", 401), Map.entry("INVALID_CREDENTIALS", 401), Map.entry("FORBIDDEN", 403),
        Map.entry("INVALID_SIGNED_LINK", 403), Map.entry("CSRF_REJECTED", 403),
        Map.entry("PATH_CONFLICT", 409), Map.entry("PRECONDITION_FAILED", 412), Map.entry("UPLOAD_TOO_LARGE", 413),
        Map.entry("MULTIPART_LIMIT", 413), Map.entry("RANGE_NOT_SATISFIABLE", 416), Map.entry("STORAGE_FAILURE", 500),
        Map.entry("INTERNAL_ERROR", 500), Map.entry("INSUFFICIENT_STORAGE", 507),
        Map.entry("TOO_MANY_UPLOADS", 429), Map.entry("QUOTA_EXCEEDED", 507),
        // the resumable uploads (tus) add these
        Map.entry("UPLOAD_OFFSET_MISMATCH", 409), Map.entry("UPLOAD_GONE", 410), Map.entry("UNSUPPORTED_TUS_VERSION", 412),
        Map.entry("UNSUPPORTED_MEDIA_TYPE", 415), Map.entry("UPLOAD_LOCKED", 423), Map.entry("CHECKSUM_MISMATCH", 460));
    Map<String, Integer> catalogue = Arrays.stream(Problem.values()).collect(Collectors.toMap(Problem::code, Problem::status));
    published.forEach((code, status) -> assertEquals(status, catalogue.get(code), code));
  }

  @Test
  void everyProblemHasAnErrorStatusAndATitle() {
    for (Problem p : Problem.values()) {
      assertTrue(p.status() >= 400 && p.status() < 600, p.code());
      assertTrue(!p.title().isBlank(), p.code());
    }
  }
}
