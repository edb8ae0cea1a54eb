package dev.depot.storage.control;

import dev.depot.problem.DepotException;
import dev.depot.problem.Problem;

import dev.depot.config.DepotSettings;
import dev.depot.config.StorageLayout;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.UncheckedIOException;

/**
 * The {@link BlobStore} for the storage layout in force now ({@code depot.results-dir} may change while
 * Depot runs, so it is looked up per request).
 */
@ApplicationScoped
public class BlobStores {

  @Inject DepotSettings settings;

  public BlobStore current() {
    StorageLayout layout;
    try {
      layout = settings.layout();
    } catch (UncheckedIOException e) {
      throw new DepotException(Problem.STORAGE_FAILURE, "The server's storage is not available.", e);
    }
    return new FileSystemBlobStore(layout, settings.fsync());
  }
}
