package dev.depot.files.boundary;

import dev.depot.files.control.DepotException;
import jakarta.json.Json;
import jakarta.json.JsonObjectBuilder;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.util.Map;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The one exception mapper: every failure leaves as {@code application/problem+json} (RFC 9457) with
 * {@code status}, {@code title}, {@code detail} and a stable {@code code}. Depot's own failures carry
 * messages written for clients; anything else is logged once, with a reference the client also gets,
 * and becomes a generic 500 — never a stack trace, an internal message or a server path.
 */
@Provider
public class ProblemMapper implements ExceptionMapper<Throwable> {

  public static final String PROBLEM_JSON = "application/problem+json";

  private static final Logger LOG = Logger.getLogger(ProblemMapper.class.getName());

  /** HTTP status of each stable code; control code stays free of HTTP. */
  private static final Map<String, Integer> STATUS =
      Map.ofEntries(
          Map.entry("INVALID_PATH", 400),
          Map.entry("INVALID_CONTENT_TYPE", 400),
          Map.entry("UPLOAD_INCOMPLETE", 400),
          Map.entry("MALFORMED_MULTIPART", 400),
          Map.entry("MISSING_FILE_PART", 400),
          Map.entry("DIGEST_MISMATCH", 400),
          Map.entry("INVALID_DIGEST", 400),
          Map.entry("INVALID_PARAMETER", 400),
          Map.entry("NOT_FOUND", 404),
          Map.entry("PATH_CONFLICT", 409),
          Map.entry("PRECONDITION_FAILED", 412),
          Map.entry("UPLOAD_TOO_LARGE", 413),
          Map.entry("MULTIPART_LIMIT", 413),
          Map.entry("INSUFFICIENT_STORAGE", 507),
          Map.entry("STORAGE_FAILURE", 500));

  @Context UriInfo uriInfo;

  @Override
  public Response toResponse(Throwable failure) {
    if (failure instanceof DepotException depot) {
      int status = STATUS.getOrDefault(depot.code(), 500);
      if (status >= 500) {
        LOG.log(Level.WARNING, "Request failed: " + depot.code(), depot);
      }
      return problem(status, depot.code(), depot.getMessage());
    }
    if (failure instanceof WebApplicationException web && web.getResponse().getStatus() < 500) {
      // Routing and negotiation failures (404, 405, 415, …): the client's, described by the status.
      // A 405 must still say which methods the resource has (RFC 9110 §15.5.6): keep its Allow.
      Response.StatusType status = web.getResponse().getStatusInfo();
      Response.ResponseBuilder answer = problem(status.getStatusCode(), codeOf(status), status.getReasonPhrase(), uriInfo);
      String allow = web.getResponse().getHeaderString(HttpHeaders.ALLOW);
      if (allow != null) {
        answer.header(HttpHeaders.ALLOW, allow);
      }
      return answer.build();
    }
    String reference = UUID.randomUUID().toString();
    LOG.log(Level.SEVERE, "Unexpected failure, reference " + reference, failure);
    return problem(500, "INTERNAL_ERROR", "An internal error occurred; reference " + reference + ".");
  }

  private Response problem(int status, String code, String detail) {
    return problem(status, code, detail, uriInfo).build();
  }

  /**
   * A problem response, for the rare answer that needs headers beside the body (a 416 names the
   * representation's length in {@code Content-Range}); everything else goes through {@link #toResponse}.
   */
  static Response.ResponseBuilder problem(int status, String code, String detail, UriInfo uriInfo) {
    String instance = uriInfo != null ? uriInfo.getRequestUri().getRawPath() : null;
    return Response.status(status).type(PROBLEM_JSON).entity(body(status, code, detail, instance));
  }

  /**
   * The problem document itself; also written by {@link DotSegmentFilter}, the one place that answers
   * before JAX-RS runs.
   */
  static String body(int status, String code, String detail, String instance) {
    Response.StatusType type = Response.Status.fromStatusCode(status);
    JsonObjectBuilder body =
        Json.createObjectBuilder()
            .add("type", "about:blank")
            .add("title", type != null ? type.getReasonPhrase() : titleOf(status))
            .add("status", status)
            .add("detail", detail == null ? "" : detail)
            .add("code", code);
    if (instance != null) {
      body.add("instance", instance);
    }
    return body.build().toString();
  }

  private static String titleOf(int status) {
    return status == 507 ? "Insufficient Storage" : "Error";
  }

  private static String codeOf(Response.StatusType status) {
    return status.getReasonPhrase().toUpperCase(java.util.Locale.ROOT).replaceAll("[^A-Z0-9]+", "_");
  }
}
