package dev.depot.access.control;

import dev.depot.config.DepotSettings;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.OptionalLong;

/**
 * Which quota applies to a caller, from the settings in force now. Bytes and files are resolved each
 * on its own: the user's own setting ({@code depot.quota.user.NAME.bytes}) if set; else the largest
 * limit among the caller's groups that set one ({@code depot.quota.group.NAME.bytes}) — so a group
 * limit applies to each member, not to the group as a pool (Depot records who wrote a file, not for
 * which group); else the default ({@code depot.quota.bytes}). Admins have no quota.
 *
 * <p>A signed link carries its issuer's name but not their groups, so a link's uploads are limited by
 * the issuer's own setting or the default, never by a group's (nor lifted for an admin issuer).
 */
@ApplicationScoped
public class Quotas {

  @Inject DepotSettings settings;

  /** For tests and code outside CDI. */
  public static Quotas of(DepotSettings settings) {
    Quotas quotas = new Quotas();
    quotas.settings = settings;
    return quotas;
  }

  /** The quota of {@code caller}; {@link Quota#NONE} for an admin or a caller with no name. */
  public Quota limitsFor(Caller caller) {
    if (!caller.authenticated() || caller.admin()) {
      return Quota.NONE;
    }
    return new Quota(resolve(caller, false), resolve(caller, true));
  }

  /**
   * The quota of user {@code name} as far as Depot can tell without their groups (an admin asking about
   * someone else): their own setting, else the default.
   */
  public Quota limitsOf(String name) {
    return new Quota(
        settings.userQuota(name, false).orElse(settings.quotaBytes()),
        settings.userQuota(name, true).orElse(settings.quotaFiles()));
  }

  private long resolve(Caller caller, boolean files) {
    OptionalLong own = settings.userQuota(caller.name(), files);
    if (own.isPresent()) {
      return own.getAsLong();
    }
    OptionalLong largest = OptionalLong.empty();
    for (String group : caller.groups()) {
      OptionalLong limit = settings.groupQuota(group, files);
      if (limit.isPresent() && (largest.isEmpty() || limit.getAsLong() > largest.getAsLong())) {
        largest = limit;
      }
    }
    return largest.orElse(files ? settings.quotaFiles() : settings.quotaBytes());
  }
}
