package dev.depot.health.control;

import dev.depot.config.DepotSettings;
import dev.depot.storage.control.Recovery;
import dev.depot.storage.control.Stores;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Logger;

/**
 * Can Depot store a file right now? The configured results directory must be attached as a store
 * (its marker matches the database: see {@code Stores}), and its temp directory must take a new file
 * (one is created and deleted: a permission bit or a read-only mount that the metadata do not show is
 * still caught). Free space below {@code depot.min-free-space} is reported but is not DOWN: uploads that
 * do not fit get 507 while reads and deletes go on, and readiness is for "cannot serve at all", which a
 * client filling the disk must not be able to cause (issue 11, item 14). A change of verdict is logged
 * once.
 */
@ApplicationScoped
public class StorageProbe {

  private static final Logger LOG = Logger.getLogger(StorageProbe.class.getName());

  @Inject DepotSettings settings;
  @Inject Stores stores;
  @Inject Recovery recovery;

  private final AtomicReference<String> lastProblem = new AtomicReference<>();

  /**
   * The verdict; {@code problem} is null when storage is usable, else safe to show an operator.
   *
   * @param lowSpace free space is below the reserve: writes that do not fit are refused (507), still UP
   * @param recoveryStopped why the store's last recovery stopped short of dropping rows, if it did
   */
  public record Report(long freeBytes, long reserveBytes, boolean lowSpace, Optional<String> store,
      Optional<String> recoveryStopped, String problem) {
    public boolean up() {
      return problem == null;
    }
  }

  public Report probe() {
    long reserve = settings.minFreeSpace();
    Map<String, String> problems = stores.problems();
    if (!problems.isEmpty()) {
      String problem = problems.entrySet().iterator().next().getValue();
      return verdict(new Report(-1, reserve, false, Optional.empty(), Optional.empty(), problem), settings.resultsDir().toString());
    }
    Stores.Attachment store;
    try {
      store = stores.currentAttachment();
    } catch (RuntimeException e) {
      return verdict(new Report(-1, reserve, false, Optional.empty(), Optional.empty(), "no store takes uploads"), e.toString());
    }
    Optional<String> stopped = Optional.ofNullable(recovery.last().get(store.id())).flatMap(Recovery.Report::stopped);
    try {
      stores.probeTemp(store);
    } catch (IOException e) {
      return verdict(new Report(-1, reserve, false, Optional.of(store.id()), stopped, DepotSettings.TEMP_DIR + " is not writable"),
          store.temp() + ": " + e);
    }
    if (!Files.isWritable(store.root())) {
      return verdict(new Report(-1, reserve, false, Optional.of(store.id()), stopped, DepotSettings.RESULTS_DIR + " is not writable"),
          store.root().toString());
    }
    long free;
    try {
      free = Files.getFileStore(store.root()).getUsableSpace();
    } catch (IOException e) {
      return verdict(new Report(-1, reserve, false, Optional.of(store.id()), stopped,
          "the free space of " + DepotSettings.RESULTS_DIR + " cannot be read"), e.toString());
    }
    return verdict(new Report(free, reserve, free < reserve, Optional.of(store.id()), stopped, null), null);
  }

  private Report verdict(Report report, String detail) {
    String before = lastProblem.getAndSet(report.problem());
    if (report.problem() != null && !report.problem().equals(before)) {
      LOG.severe(() -> "Depot storage is not ready: " + report.problem() + " (" + detail + ")");
    } else if (report.problem() == null && before != null) {
      LOG.info("Depot storage is ready again");
    }
    return report;
  }
}
