package dev.depot.files.control;

import dev.depot.access.control.Caller;
import dev.depot.access.control.Quota;
import dev.depot.access.control.Quotas;
import dev.depot.storage.control.StoredFiles;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What users have stored, against their quotas: the rows each one last wrote (a link's rows count for
 * its issuer). Rows with no writer (stored before Depot knew its callers, or adopted by recovery)
 * count for no one.
 */
@ApplicationScoped
public class Usages {

  @Inject StoredFiles storedFiles;
  @Inject Quotas quotas;

  /** For tests and code outside CDI. */
  static Usages of(StoredFiles storedFiles, Quotas quotas) {
    Usages usages = new Usages();
    usages.storedFiles = storedFiles;
    usages.quotas = quotas;
    return usages;
  }

  /** One user's usage and the quota that applies to them. */
  public record Report(String name, Quota.Usage usage, Quota limits) {}

  /** The caller's own usage, with the quota their groups give them. */
  public Report of(Caller caller) {
    return new Report(caller.name(), usage(caller.name()), quotas.limitsFor(caller));
  }

  /** User {@code name}'s usage; their quota as far as it is known without their groups ({@link Quotas#limitsOf}). */
  public Report ofUser(String name) {
    return new Report(name, usage(name), quotas.limitsOf(name));
  }

  /** Every user with at least one file, by name. */
  public List<Report> everyone() {
    Map<String, Quota.Usage> byOwner = new TreeMap<>();
    storedFiles.usageByActor().forEach((actor, usage) ->
        byOwner.merge(Caller.owner(actor), new Quota.Usage(usage.bytes(), usage.files()), Quota.Usage::plus));
    List<Report> reports = new ArrayList<>(byOwner.size());
    byOwner.forEach((name, usage) -> reports.add(new Report(name, usage, quotas.limitsOf(name))));
    return reports;
  }

  private Quota.Usage usage(String name) {
    StoredFiles.Usage usage = storedFiles.usage(Caller.actorsOf(name));
    return new Quota.Usage(usage.bytes(), usage.files());
  }
}
