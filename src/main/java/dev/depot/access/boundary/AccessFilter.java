package dev.depot.access.boundary;

import dev.depot.access.control.BrowserSessions;
import dev.depot.access.control.Caller;
import dev.depot.access.control.CurrentCaller;
import dev.depot.access.control.JwtVerifier;
import dev.depot.access.control.LinkSigner;
import dev.depot.config.DepotSettings;
import dev.depot.problem.DepotException;
import dev.depot.problem.Problem;
import dev.depot.storage.control.StoragePaths;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.ext.Provider;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Establishes who is calling, before any resource runs and so before any request body is read: a
 * signed link (query parameters), {@code Authorization: Bearer} (a MicroProfile-JWT-style token),
 * {@code Authorization: Basic} (checked against the server's own realm with {@code
 * HttpServletRequest.login}), or the browser session of {@code POST /api/session}; otherwise the
 * caller is anonymous. Credentials that are presented and wrong are a {@code 401} at once, whatever
 * the endpoint. What the caller may then do is the resources' question ({@code AccessPolicy}).
 *
 * <p>Cross-site requests: a browser attaches cookies (and remembered Basic credentials) to a
 * cross-origin form POST, which needs no CORS preflight. So every unsafe request that carries an
 * {@code Origin} must come from Depot's own origin (or {@code depot.allowed-origins}), and a
 * session-authenticated unsafe request must also carry the session's CSRF token in {@value
 * #CSRF_HEADER}; the session cookie is {@code SameSite=Strict} besides (Depot writes it, see {@code BrowserSessions}).
 */
@Provider
@ApplicationScoped
@Priority(Priorities.AUTHENTICATION)
public class AccessFilter implements ContainerRequestFilter {

  public static final String CSRF_HEADER = "X-Depot-CSRF";
  /** Depot's browser session cookie (see {@code BrowserSessions}). */
  public static final String SESSION_COOKIE = "depot-session";

  @Inject CurrentCaller current;
  @Inject DepotSettings settings;
  @Inject RealmLogin realm;
  @Inject BrowserSessions sessions;
  @Context HttpServletRequest request;

  @Override
  public void filter(ContainerRequestContext context) {
    checkOrigin(context);
    current.set(identify(context));
  }

  private Caller identify(ContainerRequestContext context) {
    MultivaluedMap<String, String> query = context.getUriInfo().getQueryParameters();
    if (query.containsKey(SignedLinks.SIGNATURE)) {
      return linkCaller(context, query);
    }
    String authorization = context.getHeaderString(HttpHeaders.AUTHORIZATION);
    if (authorization != null) {
      String scheme = authorization.strip().split("\\s+", 2)[0].toLowerCase(Locale.ROOT);
      String credentials = authorization.strip().substring(scheme.length()).strip();
      return switch (scheme) {
        case "basic" -> basic(credentials);
        case "bearer" -> bearer(credentials);
        default -> throw new DepotException(Problem.INVALID_CREDENTIALS, "Use Basic or Bearer authorization.");
      };
    }
    jakarta.ws.rs.core.Cookie cookie = context.getCookies().get(SESSION_COOKIE);
    Optional<BrowserSessions.Session> signedIn = sessions.find(cookie == null ? null : cookie.getValue());
    if (signedIn.isPresent()) {
      if (unsafe(context.getMethod()) && !csrfTokenMatches(context, signedIn.get().csrfToken())) {
        throw new DepotException(Problem.CSRF_REJECTED,
            "A signed-in browser request that changes anything must carry the session's " + CSRF_HEADER + " header.");
      }
      return signedIn.get().caller();
    }
    return Caller.ANONYMOUS;
  }

  private Caller basic(String credentials) {
    String decoded;
    try {
      decoded = new String(Base64.getDecoder().decode(credentials), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new DepotException(Problem.INVALID_CREDENTIALS, "The Basic credentials are not valid base64.");
    }
    int colon = decoded.indexOf(':');
    if (colon <= 0) {
      throw new DepotException(Problem.INVALID_CREDENTIALS, "The Basic credentials are not user:password.");
    }
    return realm.login(request, decoded.substring(0, colon), decoded.substring(colon + 1), Caller.Via.BASIC)
        .orElseThrow(() -> new DepotException(Problem.INVALID_CREDENTIALS, "Wrong user name or password."));
  }

  private Caller bearer(String token) {
    JwtVerifier verifier = settings.jwtVerifier()
        .orElseThrow(() -> new DepotException(Problem.INVALID_CREDENTIALS, "Bearer tokens are not configured on this server."));
    try {
      JwtVerifier.Verified verified = verifier.verify(token);
      if (!Caller.usableName(verified.name())) {
        throw new DepotException(Problem.INVALID_CREDENTIALS,
            "The bearer token is not valid: its name is empty, longer than " + Caller.MAX_NAME
                + " characters, has control characters or ends in '" + Caller.LINK_SUFFIX + "'.");
      }
      return Caller.user(verified.name(), verified.groups(), Caller.Via.BEARER);
    } catch (JwtVerifier.InvalidTokenException e) {
      throw new DepotException(Problem.INVALID_CREDENTIALS, "The bearer token is not valid: " + e.getMessage());
    }
  }

  private Caller linkCaller(ContainerRequestContext context, MultivaluedMap<String, String> query) {
    // The path as the resource will see it (its path parameter), so the link's path and the one checked
    // against it are the same string, whatever the URL's encoding or matrix parameters.
    List<jakarta.ws.rs.core.PathSegment> segments = context.getUriInfo().getPathSegments();
    String raw = context.getUriInfo().getPathParameters().getFirst("path");
    if (segments.isEmpty() || !segments.get(0).getPath().equals("files") || raw == null) {
      throw new DepotException(Problem.INVALID_SIGNED_LINK, "A signed link is for one file's URL only.");
    }
    String path = StoragePaths.key(raw);
    String method = context.getMethod().equals("HEAD") ? "GET" : context.getMethod();
    LinkSigner.Link link = SignedLinks.fromQuery(method, path, query);
    if (!settings.linkSigner().verify(link, query.getFirst(SignedLinks.SIGNATURE), Instant.now())) {
      throw new DepotException(Problem.INVALID_SIGNED_LINK, "The link is expired, altered, or for another method or path.");
    }
    if (!Caller.usableName(link.issuer())) {
      throw new DepotException(Problem.INVALID_SIGNED_LINK, "The link is incomplete or altered.");
    }
    return new Caller(link.issuer(), java.util.Set.of(), Caller.Via.LINK, link);
  }

  private void checkOrigin(ContainerRequestContext context) {
    String origin = context.getHeaderString("Origin");
    if (origin == null || !unsafe(context.getMethod())) {
      return;
    }
    if (!sameOrigin(origin) && !settings.allowedOrigins().contains(origin)) {
      throw new DepotException(Problem.CSRF_REJECTED,
          "A request from another site's page may not change anything here (Origin " + origin + ").");
    }
  }

  private boolean sameOrigin(String origin) {
    String host = request.getHeader("Host");
    if (host == null) {
      return false;
    }
    try {
      URI o = URI.create(origin);
      String own = request.getScheme() + "://" + host.toLowerCase(Locale.ROOT);
      String theirs = o.getScheme() + "://" + o.getRawAuthority().toLowerCase(Locale.ROOT);
      return own.equalsIgnoreCase(theirs) || withDefaultPort(own).equalsIgnoreCase(withDefaultPort(theirs));
    } catch (IllegalArgumentException | NullPointerException e) {
      return false;
    }
  }

  private static String withDefaultPort(String origin) {
    if (origin.matches(".*:\\d+$")) {
      return origin;
    }
    return origin + (origin.startsWith("https:") ? ":443" : ":80");
  }

  private static boolean csrfTokenMatches(ContainerRequestContext context, String expected) {
    String sent = context.getHeaderString(CSRF_HEADER);
    return expected != null && sent != null
        && java.security.MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), sent.getBytes(StandardCharsets.UTF_8));
  }

  static boolean unsafe(String method) {
    return !(method.equals("GET") || method.equals("HEAD") || method.equals("OPTIONS"));
  }
}
