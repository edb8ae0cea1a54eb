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

  public boolean authenticated() {
    return name != null;
  }

  public boolean inGroup(String group) {
    return groups.contains(group);
  }

  public boolean admin() {
    return link == null && inGroup(ROLE_ADMIN);
  }

  /** The name recorded as a row's creator or modifier and in the audit: {@code alice}, or {@code alice (link)}. */
  public String actor() {
    if (!authenticated()) {
      return null;
    }
    return link != null ? name + " (link)" : name;
  }
}
