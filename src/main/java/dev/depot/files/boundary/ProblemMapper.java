package dev.depot.files.boundary;

import dev.depot.problem.DepotException;
import dev.depot.problem.Problem;
import jakarta.json.Json;
import jakarta.json.JsonObjectBuilder;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The one exception mapper: every failure leaves as {@code application/problem+json} (RFC 9457) with
 * {@code status}, {@code title}, {@code detail} and a stable {@code code}. Depot's own failures ({@link
 * DepotException}) carry a {@link Problem} from the catalogue and a detail written for clients;
 * anything else is logged once, with a reference the client also gets, and becomes a generic 500 —
 * never a stack trace, an internal message or a server path.
 */
@Provider
public class ProblemMapper implements ExceptionMapper<Throwable> {

  public static final String PROBLEM_JSON = "application/problem+json";

  private static final Logger LOG = Logger.getLogger(ProblemMapper.class.getName());

  @Context UriInfo uriInfo;
  @Context HttpHeaders requestHeaders;

  /**
   * What a script in a page sends (jQuery's convention; Depot's page sends it too): its 401 names no
   * Basic scheme, because browsers answer a Basic challenge to a script's request with their own login
   * dialog, over the page's own sign-in form.
   */
  static final String SCRIPTED = "X-Requested-With";

  @Override
  public Response toResponse(Throwable failure) {
    if (failure instanceof DepotException depot) {
      if (depot.problem().status() >= 500) {
        LOG.log(Level.WARNING, "Request failed: " + depot.problem().code(), depot);
      }
      return problem(depot.problem(), depot.detail(), uriInfo, scripted()).build();
    }
    if (failure instanceof WebApplicationException web && web.getResponse().getStatus() < 500) {
      // Routing and negotiation failures (404, 405, 415, …): the client's, described by the status.
      // A 405 must still say which methods the resource has (RFC 9110 §15.5.6): keep its Allow.
      Response.StatusType status = web.getResponse().getStatusInfo();
      String instance = uriInfo != null ? uriInfo.getRequestUri().getRawPath() : null;
      Response.ResponseBuilder answer =
          Response.status(status.getStatusCode())
              .type(PROBLEM_JSON)
              .entity(body(status.getStatusCode(), status.getReasonPhrase(), codeOf(status), status.getReasonPhrase(), instance));
      String allow = web.getResponse().getHeaderString(HttpHeaders.ALLOW);
      if (allow != null) {
        answer.header(HttpHeaders.ALLOW, allow);
      }
      return answer.build();
    }
    String reference = UUID.randomUUID().toString();
    LOG.log(Level.SEVERE, "Unexpected failure, reference " + reference, failure);
    return problem(Problem.INTERNAL_ERROR, "An internal error occurred; reference " + reference + ".", uriInfo).build();
  }

  /**
   * A problem response, for the rare answer that needs headers beside the body (a 416 names the
   * representation's length in {@code Content-Range}); everything else goes through {@link #toResponse}.
   */
  static Response.ResponseBuilder problem(Problem problem, String detail, UriInfo uriInfo) {
    return problem(problem, detail, uriInfo, false);
  }

  private boolean scripted() {
    try {
      return requestHeaders != null && "XMLHttpRequest".equalsIgnoreCase(requestHeaders.getHeaderString(SCRIPTED));
    } catch (IllegalStateException outsideRequest) {
      return false;
    }
  }

  private static Response.ResponseBuilder problem(Problem problem, String detail, UriInfo uriInfo, boolean scripted) {
    String instance = uriInfo != null ? uriInfo.getRequestUri().getRawPath() : null;
    Response.ResponseBuilder answer = Response.status(problem.status()).type(PROBLEM_JSON).entity(body(problem, detail, instance));
    if (problem == Problem.TOO_MANY_UPLOADS) {
      // RFC 6585 §4: a 429 may say how long to wait (see UploadSlots for why one second).
      answer.header(HttpHeaders.RETRY_AFTER, dev.depot.access.control.UploadSlots.RETRY_AFTER_SECONDS);
    }
    if (problem.status() == 401) {
      // RFC 9110 §11.6.1: a 401 names the schemes that would do. Bad bearer tokens say so (RFC 6750 §3).
      if (!scripted) {
        answer.header(HttpHeaders.WWW_AUTHENTICATE, "Basic realm=\"depot\", charset=\"UTF-8\"");
      }
      answer.header(HttpHeaders.WWW_AUTHENTICATE, problem == Problem.INVALID_CREDENTIALS && detail != null && detail.startsWith("The bearer token")
          ? "Bearer realm=\"depot\", error=\"invalid_token\""
          : "Bearer realm=\"depot\"");
    }
    return answer;
  }

  /**
   * The problem document of one of Depot's problems; also written by {@link DotSegmentFilter}, the one
   * place that answers before JAX-RS runs.
   */
  static String body(Problem problem, String detail, String instance) {
    return body(problem.status(), problem.title(), problem.code(), detail, instance);
  }

  private static String body(int status, String title, String code, String detail, String instance) {
    JsonObjectBuilder body =
        Json.createObjectBuilder()
            .add("type", "about:blank")
            .add("title", title)
            .add("status", status)
            .add("detail", detail == null ? "" : detail)
            .add("code", code);
    if (instance != null) {
      body.add("instance", instance);
    }
    return body.build().toString();
  }

  private static String codeOf(Response.StatusType status) {
    return status.getReasonPhrase().toUpperCase(java.util.Locale.ROOT).replaceAll("[^A-Z0-9]+", "_");
  }
}
