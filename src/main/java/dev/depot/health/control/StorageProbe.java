package dev.depot.health.control;

import dev.depot.config.DepotSettings;
import dev.depot.config.StorageLayout;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Logger;

/**
 * Can Depot store a file right now? The results directory must be writable, the temp directory must
 * take a new file (one is created and deleted: a permission bit or a read-only mount that the
 * metadata do not show is still caught), and the results filesystem must have more free space than
 * {@code depot.min-free-space}. A change of verdict is logged once.
 */
@ApplicationScoped
public class StorageProbe {

  private static final Logger LOG = Logger.getLogger(StorageProbe.class.getName());

  @Inject DepotSettings settings;

  private final AtomicReference<String> lastProblem = new AtomicReference<>();

  /** The verdict; {@code problem} is null when storage is usable, else safe to show an operator. */
  public record Report(long freeBytes, long reserveBytes, String problem) {
    public boolean up() {
      return problem == null;
    }
  }

  public Report probe() {
    long reserve = settings.minFreeSpace();
    StorageLayout layout;
    try {
      layout = settings.layout();
    } catch (UncheckedIOException e) {
      return verdict(new Report(-1, reserve, "the storage directories cannot be created or written"), e.getMessage());
    }
    if (!Files.isWritable(layout.results())) {
      return verdict(new Report(-1, reserve, DepotSettings.RESULTS_DIR + " is not writable"), layout.results().toString());
    }
    try {
      Path probe = Files.createTempFile(layout.temp(), ".health-", ".probe");
      Files.delete(probe);
    } catch (IOException e) {
      return verdict(new Report(-1, reserve, DepotSettings.TEMP_DIR + " is not writable"), layout.temp() + ": " + e);
    }
    long free;
    try {
      free = Files.getFileStore(layout.results()).getUsableSpace();
    } catch (IOException e) {
      return verdict(new Report(-1, reserve, "the free space of " + DepotSettings.RESULTS_DIR + " cannot be read"), e.toString());
    }
    if (free < reserve) {
      return verdict(new Report(free, reserve, "free space is below " + DepotSettings.MIN_FREE_SPACE), layout.results().toString());
    }
    return verdict(new Report(free, reserve, null), null);
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
