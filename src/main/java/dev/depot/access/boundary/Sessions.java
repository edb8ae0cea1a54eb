package dev.depot.access.boundary;

import dev.depot.access.control.Caller;
import jakarta.servlet.http.HttpSession;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.Optional;

/**
 * What a browser session holds: the signed-in caller (name and groups, as plain strings so the
 * session stays serialisable) and its CSRF token. Groups are those of the moment of sign-in; a change
 * in the realm applies at the next sign-in.
 */
final class Sessions {

  private static final String NAME = "dev.depot.caller.name";
  private static final String GROUPS = "dev.depot.caller.groups";
  private static final String CSRF = "dev.depot.csrf";
  private static final SecureRandom RANDOM = new SecureRandom();

  private Sessions() {}

  static Optional<Caller> caller(HttpSession session) {
    if (session == null) {
      return Optional.empty();
    }
    try {
      if (session.getAttribute(NAME) instanceof String name && session.getAttribute(GROUPS) instanceof String groups) {
        return Optional.of(Caller.user(name, new LinkedHashSet<>(Arrays.asList(groups.isEmpty() ? new String[0] : groups.split("\n"))), Caller.Via.SESSION));
      }
    } catch (IllegalStateException e) {
      // invalidated meanwhile
    }
    return Optional.empty();
  }

  /** Records a sign-in; returns the session's new CSRF token. */
  static String signIn(HttpSession session, Caller caller) {
    byte[] token = new byte[32];
    RANDOM.nextBytes(token);
    String csrf = Base64.getUrlEncoder().withoutPadding().encodeToString(token);
    session.setAttribute(NAME, caller.name());
    session.setAttribute(GROUPS, String.join("\n", caller.groups()));
    session.setAttribute(CSRF, csrf);
    return csrf;
  }

  static String csrfToken(HttpSession session) {
    return session.getAttribute(CSRF) instanceof String token ? token : null;
  }
}
