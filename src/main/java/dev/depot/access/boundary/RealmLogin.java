package dev.depot.access.boundary;

import dev.depot.access.control.Caller;
import dev.depot.config.DepotSettings;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;

/**
 * Checks a user name and password against the server's own realm (Payara's file, LDAP or JDBC realm;
 * WildFly's Elytron security domain) with {@link HttpServletRequest#login}, so Depot keeps no user
 * store of its own: an admin manages users and groups in the server's console or CLI. The caller's
 * groups are the groups the realm reports for the roles Depot knows of (the three roles and every
 * group a grant names), asked with {@link HttpServletRequest#isUserInRole}; the WAR maps each role to
 * the group of the same name (glassfish-web.xml; WildFly maps groups to roles 1:1 by default).
 */
@ApplicationScoped
public class RealmLogin {

  @Inject DepotSettings settings;

  /** The caller, or empty when the realm refuses the name or password. */
  public Optional<Caller> login(HttpServletRequest request, String user, String password, Caller.Via via) {
    try {
      if (request.getUserPrincipal() != null) {
        request.logout();
      }
      request.login(user, password);
    } catch (ServletException e) {
      return Optional.empty();
    }
    Set<String> groups = new LinkedHashSet<>();
    for (String group : candidates()) {
      if (request.isUserInRole(group)) {
        groups.add(group);
      }
    }
    String name = request.getUserPrincipal() != null ? request.getUserPrincipal().getName() : user;
    return Optional.of(Caller.user(name, groups, via));
  }

  private Set<String> candidates() {
    Set<String> names = new LinkedHashSet<>(Set.of(Caller.ROLE_READER, Caller.ROLE_WRITER, Caller.ROLE_ADMIN));
    names.addAll(settings.grants().groupNames());
    return names;
  }
}
