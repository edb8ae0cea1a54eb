package dev.depot.files.boundary;

import dev.depot.storage.control.WritePrecondition;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * An {@code If-Match} or {@code If-None-Match} field value (RFC 9110 §8.8.3, §13.1.1–2): {@code *} or a
 * list of entity tags, possibly weak ({@code W/"…"}). Depot's entity tag of a file is its SHA-256 in
 * quotes, so the tags' opaque values are compared with stored SHA-256s. Parsing is lenient: anything
 * that is not an entity tag is skipped, so it matches nothing.
 */
public record EntityTags(boolean any, List<Tag> tags) {

  /** One entity tag: its opaque value (without quotes) and whether it was weak. */
  record Tag(String opaque, boolean weak) {}

  /** The strong entity tag of a stored file with this SHA-256. */
  public static String of(String sha256) {
    return "\"" + sha256 + "\"";
  }

  /** Parses every line of the field; null if the field is absent. */
  static EntityTags parse(List<String> lines) {
    if (lines == null || lines.isEmpty()) {
      return null;
    }
    String value = String.join(",", lines);
    List<Tag> tags = new ArrayList<>();
    boolean any = false;
    int i = 0;
    int n = value.length();
    while (i < n) {
      char c = value.charAt(i);
      if (c == ' ' || c == '\t' || c == ',') {
        i++;
      } else if (c == '*') {
        any = true;
        i++;
      } else {
        boolean weak = value.startsWith("W/", i);
        int open = weak ? i + 2 : i;
        int close = open < n && value.charAt(open) == '"' ? value.indexOf('"', open + 1) : -1;
        if (close < 0) {
          int comma = value.indexOf(',', i);
          i = comma < 0 ? n : comma; // not an entity tag: skip to the next member
        } else {
          tags.add(new Tag(value.substring(open + 1, close), weak));
          i = close + 1;
        }
      }
    }
    return new EntityTags(any, List.copyOf(tags));
  }

  /** Strong comparison (If-Match, If-Range): weak tags never match. */
  boolean matchesStrong(String opaque) {
    return any || tags.stream().anyMatch(t -> !t.weak() && t.opaque().equals(opaque));
  }

  /** Weak comparison (If-None-Match): the weakness flag is ignored. */
  boolean matchesWeak(String opaque) {
    return any || tags.stream().anyMatch(t -> t.opaque().equals(opaque));
  }

  /** As the versions an {@code If-Match} accepts (strong tags only). */
  WritePrecondition.Versions strongVersions() {
    return any ? WritePrecondition.Versions.ANY : WritePrecondition.Versions.of(opaques(false));
  }

  /** As the versions an {@code If-None-Match} excludes (weak comparison). */
  WritePrecondition.Versions weakVersions() {
    return any ? WritePrecondition.Versions.ANY : WritePrecondition.Versions.of(opaques(true));
  }

  private Set<String> opaques(boolean includeWeak) {
    Set<String> values = new LinkedHashSet<>();
    for (Tag t : tags) {
      if (includeWeak || !t.weak()) {
        values.add(t.opaque());
      }
    }
    return values;
  }
}
