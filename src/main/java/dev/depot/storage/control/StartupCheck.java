package dev.depot.storage.control;

import dev.depot.config.DepotSettings;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.inject.Inject;
import java.util.logging.Level;
import java.io.UncheckedIOException;
import java.util.logging.Logger;

/**
 * Creates and checks the storage directories when Depot is deployed, so that a misconfiguration shows
 * in the server log at deploy time rather than at the first upload, then starts crash recovery. It
 * does not fail the deployment: the directories may be fixed (or the setting changed) while Depot
 * runs.
 */
@ApplicationScoped
public class StartupCheck {

  private static final Logger LOG = Logger.getLogger(StartupCheck.class.getName());

  @Inject DepotSettings settings;
  @Inject Recovery recovery;

  @Resource ManagedExecutorService executor;

  void onStart(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
    try {
      settings.layout();
    } catch (UncheckedIOException e) {
      LOG.severe("Depot started, but uploads will fail until the storage directories are usable.");
      return;
    }
    // Crash recovery hashes adopted files: run it off the deployment thread so a large store does
    // not hold up startup; uploads meanwhile are safe (it locks each path it repairs).
    executor.execute(
        () -> {
          try {
            recovery.run();
          } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "Depot recovery failed", e);
          }
        });
  }
}
