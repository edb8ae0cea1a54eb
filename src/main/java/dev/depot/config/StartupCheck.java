package dev.depot.config;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.UncheckedIOException;
import java.util.logging.Logger;

/**
 * Creates and checks the storage directories when Depot is deployed, so that a misconfiguration shows
 * in the server log at deploy time rather than at the first upload. It does not fail the deployment:
 * the directories may be fixed (or the setting changed) while Depot runs.
 */
@ApplicationScoped
public class StartupCheck {

  private static final Logger LOG = Logger.getLogger(StartupCheck.class.getName());

  @Inject DepotSettings settings;

  void onStart(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
    try {
      settings.layout();
    } catch (UncheckedIOException e) {
      LOG.severe("Depot started, but uploads will fail until the storage directories are usable.");
    }
  }
}
