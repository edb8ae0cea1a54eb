package dev.depot.access.boundary;

import dev.depot.access.control.AccessPolicy;
import dev.depot.access.control.AuditCursor;
import dev.depot.access.control.AuditRecords;
import dev.depot.access.entity.AuditRecord;
import dev.depot.problem.DepotException;
import dev.depot.problem.Problem;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.bind.annotation.JsonbNillable;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;

/**
 * {@code GET /audit?since=…&limit=…&cursor=…}: the audit trail, for members of {@code depot-admin}
 * only. Newest first — what an admin asks first is what just happened — from {@code since} (an
 * ISO-8601 instant or offset date-time; default: everything still retained) on, {@code limit} records
 * a page (default {@value #DEFAULT_LIMIT}, at most {@value #MAX_LIMIT}); {@code next} is the cursor of
 * the following, older page, null on the last.
 */
@Path("audit")
@RequestScoped
public class AuditResource {

  static final int DEFAULT_LIMIT = 100;
  static final int MAX_LIMIT = 1000;

  /** One record; {@code time} ISO-8601 UTC, absent values null. */
  @JsonbNillable
  public record AuditRecordJson(
      String time, String principal, String claimedPrincipal, String remoteAddress, String action, String path, Long size, String sha256, int status,
      String code) {

    static AuditRecordJson of(AuditRecord r) {
      return new AuditRecordJson(
          r.getTime().toString(), r.getPrincipal(), r.getClaimedPrincipal(), r.getRemoteAddress(), r.getAction(), r.getPath(), r.getSize(), r.getSha256(), r.getStatus(),
          r.getProblemCode());
    }
  }

  /** A page of records, newest first, and the cursor of the next (older) page. */
  @JsonbNillable
  public record AuditPageJson(List<AuditRecordJson> items, String next) {}

  @Inject AccessPolicy access;
  @Inject AuditRecords records;

  @GET
  @Produces(MediaType.APPLICATION_JSON)
  public AuditPageJson list(@QueryParam("since") String since, @QueryParam("limit") String limit, @QueryParam("cursor") String cursor) {
    access.requireAdmin();
    int size = limit(limit);
    Optional<AuditCursor> after = Optional.empty();
    if (cursor != null && !cursor.isEmpty()) {
      after = Optional.of(AuditCursor.parse(cursor)
          .orElseThrow(() -> new DepotException(Problem.INVALID_PARAMETER, "The cursor is not one Depot made; start again without it.")));
    }
    List<AuditRecord> page = records.page(since(since), after, size);
    String next = null;
    if (page.size() == size) {
      AuditRecord last = page.get(page.size() - 1);
      next = new AuditCursor(last.getTime(), last.getId()).encode();
    }
    return new AuditPageJson(page.stream().map(AuditRecordJson::of).toList(), next);
  }

  /**
   * {@code since} as an instant; taken as text so that garbage is a 400 with a message, not a bare 404.
   * Years outside 0001–9999 are refused too: the database could not compare them (a 500 otherwise).
   */
  static Instant since(String text) {
    if (text == null || text.isBlank()) {
      return Instant.EPOCH;
    }
    Instant since;
    try {
      since = Instant.parse(text.strip());
    } catch (DateTimeParseException e) {
      try {
        since = OffsetDateTime.parse(text.strip()).toInstant();
      } catch (DateTimeParseException again) {
        throw new DepotException(Problem.INVALID_PARAMETER, "since must be an ISO-8601 instant such as 2026-12-01T00:00:00Z.");
      }
    }
    if (!AuditRecords.queryable(since)) {
      throw new DepotException(Problem.INVALID_PARAMETER, "since must be in the years 0001 to 9999 (UTC).");
    }
    return since;
  }

  /** A {@code limit}: a whole number from 1, capped at {@value #MAX_LIMIT} as listings are. */
  static int limit(String text) {
    if (text == null || text.isBlank()) {
      return DEFAULT_LIMIT;
    }
    if (!text.strip().matches("[0-9]{1,18}") || Long.parseLong(text.strip()) == 0) {
      throw new DepotException(Problem.INVALID_PARAMETER, "The limit must be a whole number from 1 to " + MAX_LIMIT + ".");
    }
    return (int) Math.min(Long.parseLong(text.strip()), MAX_LIMIT);
  }
}
