package dev.depot.access.boundary;

import dev.depot.access.control.AccessPolicy;
import dev.depot.access.control.Caller;
import dev.depot.problem.DepotException;
import dev.depot.problem.Problem;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;

/**
 * Browser sign-in: {@code POST /session} checks a name and password against the server's realm and
 * starts a session (cookie {@code SameSite=Strict}, {@code HttpOnly}; web.xml), answering with the
 * CSRF token every later unsafe request of that session must send in {@value
 * AccessFilter#CSRF_HEADER}. {@code GET /session} says who the caller is (by any means of
 * authentication); {@code DELETE /session} signs out. Scripts do not need a session: they send Basic
 * or Bearer credentials with each request.
 */
@Path("session")
@RequestScoped
public class SessionsResource {

  /** Who is signed in; {@code csrfToken} only for a browser session. */
  public record SessionJson(String name, List<String> groups, String via, String csrfToken) {}

  @Inject AccessPolicy access;
  @Inject RealmLogin realm;
  @Context HttpServletRequest request;

  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  @Produces(MediaType.APPLICATION_JSON)
  public SessionJson signIn(JsonObject credentials) {
    if (credentials == null || !(credentials.get("username") instanceof jakarta.json.JsonString)
        || !(credentials.get("password") instanceof jakarta.json.JsonString)) {
      throw new DepotException(Problem.INVALID_PARAMETER, "Send {\"username\": \"…\", \"password\": \"…\"}.");
    }
    return signIn(credentials.getString("username"), credentials.getString("password"));
  }

  @POST
  @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
  @Produces(MediaType.APPLICATION_JSON)
  public SessionJson signInForm(@FormParam("username") String username, @FormParam("password") String password) {
    if (username == null || password == null) {
      throw new DepotException(Problem.INVALID_PARAMETER, "Send the form fields username and password.");
    }
    return signIn(username, password);
  }

  @GET
  @Produces(MediaType.APPLICATION_JSON)
  public SessionJson whoAmI() {
    Caller caller = access.requireAuthenticated();
    String csrf = caller.via() == Caller.Via.SESSION ? Sessions.csrfToken(request.getSession(false)) : null;
    return json(caller, csrf);
  }

  @DELETE
  public Response signOut() {
    HttpSession session = request.getSession(false);
    if (session != null) {
      try {
        session.invalidate();
      } catch (IllegalStateException e) {
        // already gone
      }
    }
    return Response.noContent().build();
  }

  private SessionJson signIn(String username, String password) {
    Caller caller = realm.login(request, username, password, Caller.Via.SESSION)
        .orElseThrow(() -> new DepotException(Problem.INVALID_CREDENTIALS, "Wrong user name or password."));
    HttpSession session = request.getSession(false);
    if (session != null) {
      request.changeSessionId(); // no session fixation: a signed-in session never keeps an id it had before
    } else {
      session = request.getSession(true);
    }
    String csrf = Sessions.signIn(session, caller);
    return json(caller, csrf);
  }

  private static SessionJson json(Caller caller, String csrf) {
    return new SessionJson(caller.name(), caller.groups().stream().sorted().toList(), caller.via().name().toLowerCase(java.util.Locale.ROOT), csrf);
  }
}
