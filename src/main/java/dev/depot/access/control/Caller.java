package dev.depot.access.control;

import java.util.Set;

/**
 * Who is asking, as Depot decides with it: a name (none when anonymous), the groups the server's realm
 * or the token gave it, and how it proved itself. Roles are groups of the same name ({@code
 * depot-reader}, {@code depot-writer}, {@code depot-admin}), mapped 1:1 on both servers.
 *
 * <p>A caller that came with a signed link carries that link: it may do exactly what the link says and
 * nothing else, whatever its issuer may do.
 */
public record Caller(String name, Set<String> groups, Via via, LinkSigner.Link link) {

  /** How a caller authenticated. */
  public enum Via {
    ANONYMOUS,
    BASIC,
    BEARER,
    SESSION,
    LINK
  }

  public static final String ROLE_READER = "depot-reader";
  public static final String ROLE_WRITER = "depot-writer";
  public static final String ROLE_ADMIN = "depot-admin";

  public static final Caller ANONYMOUS = new Caller(null, Set.of(), Via.ANONYMOUS, null);

  public Caller {
    groups = Set.copyOf(groups);
  }

  public static Caller user(String name, Set<String> groups, Via via) {
    return new Caller(name, groups, via, null);
  }

  /** Longest caller name Depot accepts: rows keep {@code NAME (link)} in 255 characters. */
  public static final int MAX_NAME = 200;

  /**
   * Whether a name from a realm or a token can stand for a caller: not empty, at most {@value
   * #MAX_NAME} characters, no control characters, and not ending in {@value #LINK_SUFFIX} (a user
   * called {@code bob (link)} would pass for bob's links in rows, quotas and the audit).
   */
  public static boolean usableName(String name) {
    return name != null && !name.isBlank() && name.length() <= MAX_NAME && !name.endsWith(LINK_SUFFIX)
        && name.chars().noneMatch(c -> c < 0x20 || c == 0x7f);
  }

  public boolean authenticated() {
    return name != null;
  }

  public boolean inGroup(String group) {
    return groups.contains(group);
  }

  public boolean admin() {
    return link == null && inGroup(ROLE_ADMIN);
  }

  /** What {@link #actor()} appends to the issuer's name for a write through a signed link. */
  public static final String LINK_SUFFIX = " (link)";

  /** The name recorded as a row's creator or modifier and in the audit: {@code alice}, or {@code alice (link)}. */
  public String actor() {
    if (!authenticated()) {
      return null;
    }
    return link != null ? name + LINK_SUFFIX : name;
  }

  /**
   * Who a row's {@code modifiedBy} charges for quotas: the actor without the link suffix, so a link's
   * uploads count for its issuer ({@code alice (link)} → {@code alice}).
   */
  public static String owner(String actor) {
    return actor != null && actor.endsWith(LINK_SUFFIX) ? actor.substring(0, actor.length() - LINK_SUFFIX.length()) : actor;
  }

  /** The actors a user's files are recorded under: their own writes, and their links'. */
  public static java.util.List<String> actorsOf(String owner) {
    return java.util.List.of(owner, owner + LINK_SUFFIX);
  }
}
