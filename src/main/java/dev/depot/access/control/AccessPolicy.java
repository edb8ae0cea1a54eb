package dev.depot.access.control;

import dev.depot.config.DepotSettings;
import dev.depot.problem.DepotException;
import dev.depot.problem.Problem;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.ContextNotActiveException;
import jakarta.inject.Inject;

/**
 * Decides, for the current caller, whether an operation on a stored path is allowed, from the grants
 * in force now ({@code depot.grants}, {@code depot.anonymous-read}). Refusals are {@code 401} for a
 * caller without credentials (who might be allowed once they sign in) and {@code 403} for one whose
 * identity is known and not enough. Resources call it before they read a request body, so a refused
 * upload stores nothing and reserves no space.
 */
@ApplicationScoped
public class AccessPolicy {

  @Inject DepotSettings settings;
  @Inject CurrentCaller current;

  /** Where refused paths are remembered for the audit; null in a policy made by {@link #forCaller}. */
  @Inject RefusedInRequest refused;

  /** For tests and code outside CDI: a policy that always sees {@code caller} and remembers no refusal. */
  public static AccessPolicy forCaller(DepotSettings settings, Caller caller) {
    AccessPolicy policy = new AccessPolicy();
    policy.settings = settings;
    policy.current = new CurrentCaller();
    policy.current.set(caller);
    return policy;
  }

  /** As {@link #forCaller(DepotSettings, Caller)}, remembering refused paths in {@code refused}. */
  public static AccessPolicy forCaller(DepotSettings settings, Caller caller, RefusedInRequest refused) {
    AccessPolicy policy = forCaller(settings, caller);
    policy.refused = refused;
    return policy;
  }

  public Caller caller() {
    return current.get();
  }

  /** Allows or refuses {@code permission} on {@code path} for the current caller. */
  public void require(Permission permission, String path) {
    Caller caller = current.get();
    try {
      if (caller.link() != null) {
        requireLink(caller.link(), permission, path);
        return;
      }
      if (!settings.grants().allows(caller, permission, path)) {
        throw refusal(caller, permission, path);
      }
    } catch (DepotException e) {
      refused(path);
      throw e;
    }
  }

  /**
   * Remembers that the current request was refused on {@code path} (by this policy, or by a quota),
   * for the audit record of the refusal. Outside a request, or without CDI, there is nothing to tell.
   */
  public void refused(String path) {
    if (refused == null || path == null) {
      return;
    }
    try {
      refused.refused(path);
    } catch (ContextNotActiveException e) {
      // no request: nothing audits this refusal
    }
  }

  /** Whether the current caller may {@code permission} on {@code path} (for filtering a listing). */
  public boolean allows(Permission permission, String path) {
    Caller caller = current.get();
    if (caller.link() != null) {
      return false;
    }
    return settings.grants().allows(caller, permission, path);
  }

  /**
   * What the current caller may do, decided once: for checking many paths (a listing page) without
   * reading the grants for each.
   */
  public java.util.function.Predicate<String> allowsEach(Permission permission) {
    Caller caller = current.get();
    if (caller.link() != null) {
      return path -> false;
    }
    Grants grants = settings.grants();
    return path -> grants.allows(caller, permission, path);
  }

  /** Whether every path below {@code directory} (ending in {@code /}, or empty) is readable, so no row needs a check. */
  public boolean allowsAllBelow(Permission permission, String directory) {
    Caller caller = current.get();
    return caller.link() == null && settings.grants().allowsAllBelow(caller, permission, directory);
  }

  /**
   * Before a body that names its own paths (multipart) is read: the caller must be able to do {@code
   * permission} somewhere; each part is checked again with {@link #require} as its path becomes known.
   */
  public void requireSomewhere(Permission permission) {
    Caller caller = current.get();
    if (caller.link() != null) {
      throw new DepotException(Problem.FORBIDDEN, "A signed link allows only the request it was made for.");
    }
    if (!settings.grants().allowsSomewhere(caller, permission)) {
      throw refusal(caller, permission, null);
    }
  }

  /** Admin-only operations (everyone's usage, the audit trail). */
  public void requireAdmin() {
    Caller caller = current.get();
    if (!caller.authenticated() || caller.link() != null) {
      throw new DepotException(Problem.UNAUTHENTICATED, "Sign in as a Depot administrator.");
    }
    if (!caller.admin()) {
      throw new DepotException(Problem.FORBIDDEN, "Only members of " + Caller.ROLE_ADMIN + " may do this.");
    }
  }

  /** Any authenticated caller (not a link). */
  public Caller requireAuthenticated() {
    Caller caller = current.get();
    if (!caller.authenticated() || caller.link() != null) {
      throw new DepotException(Problem.UNAUTHENTICATED, "Sign in first.");
    }
    return caller;
  }

  private static void requireLink(LinkSigner.Link link, Permission permission, String path) {
    Permission linked = link.method().equals("PUT") ? Permission.WRITE : Permission.READ;
    if (linked != permission || !link.path().equals(path)) {
      throw new DepotException(Problem.FORBIDDEN, "A signed link allows only the request it was made for.");
    }
  }

  private static DepotException refusal(Caller caller, Permission permission, String path) {
    String what = switch (permission) {
      case READ -> "read";
      case WRITE -> "write";
      case DELETE -> "delete";
    };
    if (!caller.authenticated()) {
      return new DepotException(Problem.UNAUTHENTICATED, "Sign in to " + what + (path == null ? "." : " '" + path + "'."));
    }
    return new DepotException(Problem.FORBIDDEN, caller.name() + " may not " + what + (path == null ? " anywhere." : " '" + path + "'."));
  }
}
