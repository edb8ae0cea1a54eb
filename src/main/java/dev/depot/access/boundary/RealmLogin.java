package dev.depot.access.boundary;

import dev.depot.access.control.Caller;
import dev.depot.config.DepotSettings;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.security.enterprise.SecurityContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import java.security.Principal;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;

/**
 * Checks a user name and password against the server's own realm (Payara's file, LDAP or JDBC realm;
 * WildFly's Elytron security domain) with {@link HttpServletRequest#login}, so Depot keeps no user
 * store of its own: an admin manages users and groups in the server's console or CLI.
 *
 * <p>The caller's groups come two ways, because the servers differ (spike of 2026-12-02, Payara
 * Micro/Server 6.2025 and WildFly 39): {@link HttpServletRequest#isUserInRole} for the roles Depot knows
 * of (the three declared roles, mapped 1:1 to groups by glassfish-web.xml and by WildFly's default role
 * mapping, and every group a grant names), which WildFly answers for any group; and the group
 * principals Jakarta Security lists for the caller, which is how Payara tells a group that is not a
 * declared role ({@code isUserInRole("team-a")} is false there, while {@code
 * SecurityContext.getPrincipalsByType(Principal.class)} holds an {@code org.glassfish.security.common.Group}
 * named {@code team-a}). A principal counts as a group when its class is named {@code Group} and it
 * is not the caller's own.
 */
@ApplicationScoped
public class RealmLogin {

  @Inject DepotSettings settings;
  /** Not resolvable on WildFly 39 for this WAR (Jakarta Security is not switched on there); Payara has it. */
  @Inject Instance<SecurityContext> security;

  /** The caller, or empty when the realm refuses the name or password. */
  public Optional<Caller> login(HttpServletRequest request, String user, String password, Caller.Via via) {
    boolean hadSession = request.getSession(false) != null;
    try {
      if (request.getUserPrincipal() != null) {
        request.logout();
      }
      request.login(user, password);
    } catch (ServletException e) {
      return Optional.empty();
    }
    try {
      Caller caller = caller(request, user, via);
      // A realm (LDAP) may hold names Depot cannot record or tell from a link's: refused like a bad password.
      return Caller.usableName(caller.name()) ? Optional.of(caller) : Optional.empty();
    } finally {
      forget(request, hadSession);
    }
  }

  /**
   * Leaves no container login behind: Depot's caller lives in the request (and, for browsers, in
   * Depot's own session), never in the container's. WildFly stores a successful {@code login} in a new
   * HttpSession, which would pile up one session per Basic request and keep a cookie-only client
   * signed in (spike of 2026-12-02); that session is ended, and the login undone.
   */
  private static void forget(HttpServletRequest request, boolean hadSession) {
    try {
      request.logout();
    } catch (ServletException e) {
      // nothing to undo
    }
    jakarta.servlet.http.HttpSession session = request.getSession(false);
    if (!hadSession && session != null) {
      try {
        session.invalidate();
      } catch (IllegalStateException gone) {
        // already invalidated
      }
    }
  }

  private Caller caller(HttpServletRequest request, String user, Caller.Via via) {
    Set<String> groups = new LinkedHashSet<>();
    for (String group : candidates()) {
      if (request.isUserInRole(group)) {
        groups.add(group);
      }
    }
    String name = request.getUserPrincipal() != null ? request.getUserPrincipal().getName() : user;
    groups.addAll(groupPrincipals(name));
    return Caller.user(name, groups, via);
  }

  private Set<String> groupPrincipals(String caller) {
    Set<String> names = new LinkedHashSet<>();
    if (!security.isResolvable()) {
      return names;
    }
    try {
      for (Principal principal : security.get().getPrincipalsByType(Principal.class)) {
        if (principal.getClass().getSimpleName().equals("Group") && !principal.getName().equals(caller)) {
          names.add(principal.getName());
        }
      }
    } catch (RuntimeException e) {
      // A server without Jakarta Security's context here: the roles asked above are what there is.
    }
    return names;
  }

  private Set<String> candidates() {
    Set<String> names = new LinkedHashSet<>(Set.of(Caller.ROLE_READER, Caller.ROLE_WRITER, Caller.ROLE_ADMIN));
    names.addAll(settings.grants().groupNames());
    names.addAll(settings.quotaGroupNames()); // a group may have a quota and no grant
    return names;
  }
}
