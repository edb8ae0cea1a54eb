package dev.depot.storage.control;

import dev.depot.problem.DepotException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.logging.Logger;

/**
 * Attaches the configured store when Depot is deployed, so that a misconfiguration shows in the server
 * log and the readiness check at deploy time rather than at the first upload; attaching starts its
 * crash recovery ({@link Recovery#onAttached}). It does not fail the deployment: the directory (or the
 * setting, or the database) may be fixed while Depot runs, and the next write or health check tries
 * again.
 */
@ApplicationScoped
public class StartupCheck {

  private static final Logger LOG = Logger.getLogger(StartupCheck.class.getName());

  @Inject Stores stores;

  void onStart(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
    try {
      stores.currentAttachment();
    } catch (DepotException e) {
      LOG.severe("Depot started, but takes no uploads until its storage is usable: " + stores.problems());
    }
  }
}
