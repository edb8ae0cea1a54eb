package dev.depot.access.control;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Who may read, write and delete under which prefix: the {@code depot.grants} setting, parsed. One
 * grant a line (or separated by {@code ;}): {@code WHO PERMISSIONS PREFIX}, for example
 *
 * <pre>
 * group:depot-writer  rwd  *
 * user:*              rwd  users/{name}/
 * group:team-a        rw   team-a/
 * anonymous           r    public/
 * </pre>
 *
 * <p>WHO is {@code user:NAME}, {@code user:*} (any authenticated caller), {@code group:NAME} (a realm
 * group or a token's {@code groups} entry; the roles are groups too) or {@code anonymous} (everybody,
 * also without credentials). PERMISSIONS are letters of {@code r} (read: GET, HEAD, list, metadata),
 * {@code w} (write: create and replace) and {@code d} (delete). PREFIX is {@code *} (every path), a
 * directory ending in {@code /} (everything below it), or one path (that file only); {@code {name}}
 * in it stands for the caller's name, and such a grant applies only to callers whose name is one safe
 * path segment. Grants only add: a caller may do what any grant allows.
 */
public final class Grants {

  /**
   * The built-in default: the three roles over the whole tree. An admin who sets {@code depot.grants}
   * replaces it (and so can confine writers to prefixes).
   */
  public static final String DEFAULTS = "group:depot-admin rwd *; group:depot-writer rwd *; group:depot-reader r *";

  private static final String NAME_VARIABLE = "{name}";

  private final List<Grant> grants;

  private Grants(List<Grant> grants) {
    this.grants = List.copyOf(grants);
  }

  /** One line of the setting. */
  record Grant(Kind kind, String who, Set<Permission> permissions, String prefix) {

    boolean appliesTo(Caller caller) {
      return switch (kind) {
        case ANONYMOUS -> true;
        case ANY_USER -> caller.authenticated();
        case USER -> caller.authenticated() && caller.name().equals(who);
        case GROUP -> caller.inGroup(who);
      };
    }

    /** Whether the grant covers {@code path} for {@code caller} (never when its {@code {name}} cannot stand for the caller). */
    boolean covers(Caller caller, String path) {
      String resolved = resolve(caller);
      if (resolved == null) {
        return false;
      }
      if (prefix.equals("*")) { // decided on the grant as written: a caller named "*" is no wildcard
        return true;
      }
      return resolved.endsWith("/") ? path.startsWith(resolved) : path.equals(resolved);
    }

    /** Whether everything below {@code directory} (ending in {@code /}, or empty for the root) is covered. */
    boolean coversAllBelow(Caller caller, String directory) {
      String resolved = resolve(caller);
      if (resolved == null) {
        return false;
      }
      return prefix.equals("*") || (resolved.endsWith("/") && directory.startsWith(resolved));
    }

    private String resolve(Caller caller) {
      if (!prefix.contains(NAME_VARIABLE)) {
        return prefix;
      }
      if (!caller.authenticated() || !safeSegment(caller.name())) {
        return null;
      }
      return prefix.replace(NAME_VARIABLE, caller.name());
    }
  }

  enum Kind {
    ANONYMOUS,
    ANY_USER,
    USER,
    GROUP
  }

  /**
   * Parses the setting's text.
   *
   * @throws IllegalArgumentException with a message naming the bad grant, for the settings report
   */
  public static Grants parse(String text) {
    List<Grant> grants = new ArrayList<>();
    int number = 0;
    for (String line : text.split("[;\\n]")) {
      String trimmed = line.strip();
      if (trimmed.isEmpty() || trimmed.startsWith("#")) {
        continue;
      }
      number++;
      String[] words = trimmed.split("\\s+");
      if (words.length != 3) {
        throw new IllegalArgumentException("grant " + number + " ('" + trimmed + "') is not 'WHO PERMISSIONS PREFIX'");
      }
      try {
        grants.add(grant(words[0], words[1], words[2]));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("grant " + number + " ('" + trimmed + "'): " + e.getMessage(), e);
      }
    }
    return new Grants(grants);
  }

  private static Grant grant(String who, String letters, String prefix) {
    Kind kind;
    String name = null;
    if (who.equals("anonymous")) {
      kind = Kind.ANONYMOUS;
    } else if (who.equals("user:*")) {
      kind = Kind.ANY_USER;
    } else if (who.startsWith("user:") && who.length() > 5) {
      kind = Kind.USER;
      name = who.substring(5);
    } else if (who.startsWith("group:") && who.length() > 6) {
      kind = Kind.GROUP;
      name = who.substring(6);
    } else {
      throw new IllegalArgumentException("WHO must be user:NAME, user:*, group:NAME or anonymous");
    }
    Set<Permission> permissions = EnumSet.noneOf(Permission.class);
    for (char letter : letters.toLowerCase(Locale.ROOT).toCharArray()) {
      permissions.add(Permission.of(letter));
    }
    if (kind == Kind.ANONYMOUS && !permissions.equals(EnumSet.of(Permission.READ))) {
      // Anonymous writes would undo what the grants are for; a signed link is the way to let an
      // unauthenticated client upload one file.
      throw new IllegalArgumentException("anonymous may only be granted r (use a signed link for an anonymous upload)");
    }
    return new Grant(kind, name, permissions, prefix(prefix));
  }

  private static String prefix(String text) {
    if (text.equals("*")) {
      return text;
    }
    String prefix = text.startsWith("/") ? text.substring(1) : text;
    if (prefix.isEmpty()) {
      return "*";
    }
    for (String segment : prefix.split("/", -1)) {
      if (segment.equals(".") || segment.equals("..") || segment.contains("*")) {
        throw new IllegalArgumentException("PREFIX must be *, a directory ending in / or a path, without '.', '..' or '*' segments");
      }
    }
    if (prefix.contains("//")) {
      throw new IllegalArgumentException("PREFIX has an empty segment");
    }
    return prefix;
  }

  /** Whether a name can stand in for {@code {name}} without leaving its directory. */
  static boolean safeSegment(String name) {
    return !name.isEmpty() && !name.equals(".") && !name.equals("..") && name.indexOf('/') < 0 && name.indexOf('\\') < 0
        && name.indexOf('*') < 0
        && name.chars().noneMatch(c -> c < 0x20 || c == 0x7f);
  }

  /** Whether {@code caller} may do {@code permission} on the stored path {@code path}. */
  public boolean allows(Caller caller, Permission permission, String path) {
    for (Grant grant : grants) {
      if (grant.permissions().contains(permission) && grant.appliesTo(caller) && grant.covers(caller, path)) {
        return true;
      }
    }
    return false;
  }

  /** Whether {@code caller} may do {@code permission} on at least one path (before a multipart body names them). */
  public boolean allowsSomewhere(Caller caller, Permission permission) {
    for (Grant grant : grants) {
      if (grant.permissions().contains(permission) && grant.appliesTo(caller) && grant.resolve(caller) != null) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether {@code caller} may read everything below {@code directory} (empty for the root), so a
   * listing there needs no per-row check.
   */
  public boolean allowsAllBelow(Caller caller, Permission permission, String directory) {
    for (Grant grant : grants) {
      if (grant.permissions().contains(permission) && grant.appliesTo(caller) && grant.coversAllBelow(caller, directory)) {
        return true;
      }
    }
    return false;
  }

  /** Adds {@code anonymous r *} (the {@code depot.anonymous-read} switch). */
  public Grants withAnonymousRead() {
    List<Grant> more = new ArrayList<>(grants);
    more.add(new Grant(Kind.ANONYMOUS, null, EnumSet.of(Permission.READ), "*"));
    return new Grants(more);
  }

  /** Every group a grant names (their members' membership is asked of the realm at sign-in). */
  public Set<String> groupNames() {
    Set<String> names = new java.util.LinkedHashSet<>();
    for (Grant grant : grants) {
      if (grant.kind() == Kind.GROUP) {
        names.add(grant.who());
      }
    }
    return names;
  }

  public int size() {
    return grants.size();
  }
}
