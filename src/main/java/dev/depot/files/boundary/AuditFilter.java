package dev.depot.files.boundary;

import dev.depot.access.control.AuditEntry;
import dev.depot.access.control.AuditTrail;
import dev.depot.access.control.CurrentCaller;
import dev.depot.access.control.RefusedInRequest;
import dev.depot.access.entity.AuditRecord;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.PathSegment;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Writes the audit trail from every API answer, after the resource or the exception mapper made it,
 * so that no resource has to remember to: what the exchange means is {@link AuditedExchange}'s pure
 * decision, the files it stored come from {@link StoredInRequest}, the path a multipart part was
 * refused on from {@link RefusedInRequest}. It sees refusals made before any resource ran too (wrong
 * credentials, a bad signed link, a cross-site write): JAX-RS runs response filters on the mapped
 * answer of a failed request filter.
 *
 * <p>It lives in {@code files} rather than in {@code access}, which owns the trail: deciding what an
 * exchange means takes the file API's routes and answers, and {@code files} already depends on {@code
 * access}, never the reverse. The remote address is the TCP peer's ({@link
 * HttpServletRequest#getRemoteAddr}); behind a proxy that is the proxy, unless the server is set to
 * take the client's from a forwarding header.
 */
@jakarta.ws.rs.ext.Provider
@ApplicationScoped
public class AuditFilter implements ContainerRequestFilter, ContainerResponseFilter {

  private static final Logger LOG = Logger.getLogger(AuditFilter.class.getName());

  @Inject AuditTrail trail;
  @Inject CurrentCaller caller;
  @Inject StoredInRequest stored;
  @Inject RefusedInRequest refused;
  @Context HttpServletRequest request;

  @Override
  public void filter(ContainerRequestContext context) {
    stored.begin();
  }

  @Override
  public void filter(ContainerRequestContext requestContext, ContainerResponseContext responseContext) {
    try {
      MultivaluedMap<String, String> query = requestContext.getUriInfo().getQueryParameters();
      List<String> segments = requestContext.getUriInfo().getPathSegments().stream().map(PathSegment::getPath).toList();
      String actor = caller.get().actor();
      // Only an anonymous caller's credentials can be the refused ones; a signed-in caller's are not read.
      String authorization = actor == null ? requestContext.getHeaderString(HttpHeaders.AUTHORIZATION) : null;
      List<AuditEntry> entries = AuditedExchange.entries(new AuditedExchange.Exchange(
          requestContext.getMethod(), segments, query.getFirst("filedir"), query.getFirst("filename"),
          responseContext.getStatus(), responseContext.getEntity(), stored.files(), authorization,
          refused.path().orElse(null), refused.claimedPrincipal().orElse(null)));
      if (!entries.isEmpty()) {
        trail.record(actor, request.getRemoteAddr(), entries);
      }
    } catch (RuntimeException e) {
      // The answer is decided: an audit failure must not change it.
      // The decoded path is the client's text: cleaned, so that a CR LF in it cannot forge a log line.
      LOG.log(Level.SEVERE, "Could not audit " + AuditRecord.printable(requestContext.getMethod(), 32) + " "
          + AuditRecord.printable(requestContext.getUriInfo().getPath(), 1024), e);
    }
  }
}
