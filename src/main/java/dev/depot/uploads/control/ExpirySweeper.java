package dev.depot.uploads.control;

import dev.depot.config.DepotSettings;
import dev.depot.problem.DepotException;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.BeforeDestroyed;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Removes resumable uploads idle past {@code depot.uploads.expire-after}, with their bytes, every
 * {@code depot.uploads.sweep-interval} (tusd has no such sweeper; its uploads stay until someone
 * deletes them). An upload a request is working on is never touched. It also deletes upload files that
 * have no row and are older than the expiry: a crash between making the file and committing its row.
 */
@ApplicationScoped
public class ExpirySweeper {

  private static final Logger LOG = Logger.getLogger(ExpirySweeper.class.getName());

  /** Uploads removed per round at most; the next round takes the rest. */
  static final int BATCH = 500;

  @Resource ManagedScheduledExecutorService scheduler;
  @Inject ResumableUploads uploads;
  @Inject DepotSettings settings;

  private ScheduledFuture<?> task;

  void onStart(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
    long seconds = Math.max(1, settings.uploadsSweepInterval().toSeconds());
    task = scheduler.scheduleWithFixedDelay(this::sweep, seconds, seconds, TimeUnit.SECONDS);
  }

  void onStop(@Observes @BeforeDestroyed(ApplicationScoped.class) Object ignored) {
    if (task != null) {
      task.cancel(false);
    }
  }

  /** One round (also for tests). Returns how many uploads expired. */
  public int sweep() {
    try {
      Instant now = Instant.now();
      int expired = uploads.sweepExpired(now, BATCH);
      Duration expireAfter = settings.uploadsExpireAfter();
      int orphans = uploads.sweepOrphans(now.minus(expireAfter));
      uploads.pruneLive(); // uploads another instance completed or removed
      if (expired + orphans > 0) {
        LOG.info(() -> "Depot removed " + expired + " expired resumable uploads and " + orphans + " upload files without a row");
      }
      return expired;
    } catch (DepotException e) {
      LOG.log(Level.FINE, "Resumable upload sweep skipped: " + e.getMessage());
      return 0;
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "Resumable upload sweep failed; the next round tries again", e);
      return 0;
    }
  }
}
