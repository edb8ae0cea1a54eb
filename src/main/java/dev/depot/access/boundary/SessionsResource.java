package dev.depot.access.boundary;

import dev.depot.access.control.AccessPolicy;
import dev.depot.access.control.BrowserSessions;
import dev.depot.access.control.Caller;
import dev.depot.access.control.RefusedInRequest;
import dev.depot.problem.DepotException;
import dev.depot.problem.Problem;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.CookieParam;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.InputStream;
import java.util.List;
import java.util.Map;

/**
 * Browser sign-in: {@code POST /session} checks a name and password against the server's realm and
 * starts a session (cookie {@value AccessFilter#SESSION_COOKIE}: {@code HttpOnly}, {@code
 * SameSite=Strict}, {@code Secure} over HTTPS), answering with the CSRF token every later unsafe
 * request of that session must send in {@value AccessFilter#CSRF_HEADER}. {@code GET /session} says
 * who the caller is (by any means of authentication); {@code DELETE /session} signs out. Scripts do not
 * need a session: they send Basic or Bearer credentials with each request.
 */
@Path("session")
@RequestScoped
public class SessionsResource {

  /** Who is signed in; {@code csrfToken} only for a browser session. */
  public record SessionJson(String name, List<String> groups, String via, String csrfToken) {}

  @Inject AccessPolicy access;
  @Inject RealmLogin realm;
  @Inject BrowserSessions sessions;
  @Inject RefusedInRequest refused;
  @Context HttpServletRequest request;

  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  @Produces(MediaType.APPLICATION_JSON)
  public Response signIn(InputStream body, @CookieParam(AccessFilter.SESSION_COOKIE) String previous) {
    String expected = "Send {\"username\": \"…\", \"password\": \"…\"}.";
    JsonObject credentials = JsonBodies.object(body, expected);
    if (!(credentials.get("username") instanceof JsonString username) || !(credentials.get("password") instanceof JsonString password)) {
      throw new DepotException(Problem.INVALID_PARAMETER, expected);
    }
    return signIn(username.getString(), password.getString(), previous);
  }

  @GET
  @Produces(MediaType.APPLICATION_JSON)
  public SessionJson whoAmI(@CookieParam(AccessFilter.SESSION_COOKIE) String token) {
    Caller caller = access.requireAuthenticated();
    String csrf = caller.via() == Caller.Via.SESSION ? sessions.find(token).map(BrowserSessions.Session::csrfToken).orElse(null) : null;
    return json(caller, csrf);
  }

  @DELETE
  public Response signOut(@CookieParam(AccessFilter.SESSION_COOKIE) String token) {
    sessions.end(token);
    return Response.noContent().header(HttpHeaders.SET_COOKIE, cookie("", 0)).build();
  }

  private Response signIn(String username, String password, String previous) {
    Caller caller = realm.login(request, username, password, Caller.Via.SESSION).orElseThrow(() -> {
      refused.claimed(username); // the audit records whom a guessed password was for
      return new DepotException(Problem.INVALID_CREDENTIALS, "Wrong user name or password.");
    });
    sessions.end(previous); // a new sign-in never keeps a session id from before it (session fixation)
    Map.Entry<String, BrowserSessions.Session> started = sessions.start(caller);
    return Response.ok(json(started.getValue().caller(), started.getValue().csrfToken()))
        .header(HttpHeaders.SET_COOKIE, cookie(started.getKey(), -1))
        .build();
  }

  /** The session cookie, written by hand: JAX-RS 3.1's NewCookie renders SameSite differently per implementation. */
  private String cookie(String value, int maxAge) {
    String path = request.getContextPath().isEmpty() ? "/" : request.getContextPath();
    return AccessFilter.SESSION_COOKIE + "=" + value + "; Path=" + path + "; HttpOnly; SameSite=Strict"
        + (request.isSecure() ? "; Secure" : "") + (maxAge >= 0 ? "; Max-Age=" + maxAge : "");
  }

  private static SessionJson json(Caller caller, String csrf) {
    return new SessionJson(caller.name(), caller.groups().stream().sorted().toList(), caller.via().name().toLowerCase(java.util.Locale.ROOT), csrf);
  }
}
