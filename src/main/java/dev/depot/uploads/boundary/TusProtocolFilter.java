package dev.depot.uploads.boundary;

import dev.depot.config.DepotSettings;
import dev.depot.problem.DepotException;
import dev.depot.problem.Problem;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.ext.Provider;
import java.util.Locale;
import java.util.Set;

/**
 * What tus asks of every exchange under {@code /api/uploads}, before routing: {@code
 * X-HTTP-Method-Override} (tus-java-client sends its PATCH as a POST with it, since {@code
 * HttpURLConnection} has no PATCH), the {@code Tus-Resumable} version check (412 with {@code
 * Tus-Version}; {@code OPTIONS} needs none), {@code Tus-Resumable} on every answer including problems,
 * and CORS for pages on the origins of {@code depot.allowed-origins}: the preflight's answer, and the
 * tus headers exposed to the page's script.
 */
@Provider
@PreMatching
@ApplicationScoped
@Priority(Priorities.AUTHENTICATION - 100)
public class TusProtocolFilter implements ContainerRequestFilter, ContainerResponseFilter {

  static final String METHOD_OVERRIDE = "X-HTTP-Method-Override";
  private static final Set<String> OVERRIDABLE = Set.of("PATCH", "DELETE", "HEAD");
  static final String EXPOSED = "Location, Upload-Offset, Upload-Length, Upload-Defer-Length, Upload-Metadata, Upload-Concat,"
      + " Upload-Expires, Tus-Resumable, Tus-Version, Tus-Extension, Tus-Max-Size, Tus-Checksum-Algorithm, ETag, Repr-Digest";
  static final String ALLOWED_HEADERS = "Authorization, Content-Type, Upload-Offset, Upload-Length, Upload-Defer-Length,"
      + " Upload-Metadata, Upload-Concat, Upload-Checksum, Tus-Resumable, X-HTTP-Method-Override, X-Requested-With, X-Depot-CSRF";

  @Inject DepotSettings settings;

  @Override
  public void filter(ContainerRequestContext context) {
    if (!isUploads(context)) {
      return;
    }
    String override = context.getHeaderString(METHOD_OVERRIDE);
    if (override != null && context.getMethod().equals("POST")) {
      String method = override.strip().toUpperCase(Locale.ROOT);
      if (!OVERRIDABLE.contains(method)) {
        throw new DepotException(Problem.INVALID_PARAMETER, "X-HTTP-Method-Override may name PATCH, DELETE or HEAD.");
      }
      context.setMethod(method);
    }
    if (!context.getMethod().equals("OPTIONS") && !UploadsResource.TUS_VERSION.equals(strip(context.getHeaderString("Tus-Resumable")))) {
      throw new DepotException(Problem.UNSUPPORTED_TUS_VERSION, "This server speaks tus " + UploadsResource.TUS_VERSION
          + "; send Tus-Resumable: " + UploadsResource.TUS_VERSION + ".");
    }
  }

  @Override
  public void filter(ContainerRequestContext request, ContainerResponseContext response) {
    if (!isUploads(request)) {
      return;
    }
    MultivaluedMap<String, Object> headers = response.getHeaders();
    headers.putSingle("Tus-Resumable", UploadsResource.TUS_VERSION);
    if (response.getStatus() == 412 || request.getMethod().equals("OPTIONS")) {
      headers.putSingle("Tus-Version", UploadsResource.TUS_VERSION);
    }
    String origin = request.getHeaderString("Origin");
    if (origin != null && settings.allowedOrigins().contains(origin)) {
      headers.putSingle("Access-Control-Allow-Origin", origin);
      headers.putSingle("Access-Control-Allow-Credentials", "true");
      headers.add("Vary", "Origin");
      headers.putSingle("Access-Control-Expose-Headers", EXPOSED);
      if (request.getMethod().equals("OPTIONS") && request.getHeaderString("Access-Control-Request-Method") != null) {
        headers.putSingle("Access-Control-Allow-Methods", "POST, HEAD, PATCH, DELETE, OPTIONS");
        headers.putSingle("Access-Control-Allow-Headers", ALLOWED_HEADERS);
        headers.putSingle("Access-Control-Max-Age", "86400");
      }
    }
  }

  private static boolean isUploads(ContainerRequestContext context) {
    String path = context.getUriInfo().getPath();
    String p = path.startsWith("/") ? path.substring(1) : path;
    return p.equals("uploads") || p.startsWith("uploads/");
  }

  private static String strip(String value) {
    return value == null ? null : value.strip();
  }
}
