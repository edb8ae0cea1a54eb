package dev.depot.access.control;

import dev.depot.config.DepotSettings;
import dev.depot.problem.DepotException;
import dev.depot.problem.Problem;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Caps the uploads one caller has in progress at once ({@code depot.max-concurrent-uploads}), counted
 * by name; uploads through an issuer's signed links share a count of their own ({@code alice (link)}),
 * so whoever holds a link cannot use up the issuer's own slots. Each upload holds a server worker thread for
 * its whole body, so without a cap one client (or one leaked token) could take every worker and make
 * everyone else wait. A request over the cap is refused with 429 before its body is read; a slot is
 * given back when the upload ends, however it ends. Counted in this server's memory: instances
 * behind one load balancer each count their own.
 */
@ApplicationScoped
public class UploadSlots {

  /**
   * The {@code Retry-After} of a 429, in seconds. The caller's own uploads hold the slots, and one
   * frees the moment any of them ends, which the client sees itself: a short hint, for clients that
   * retry without knowing better.
   */
  public static final int RETRY_AFTER_SECONDS = 1;

  private final Map<String, Integer> inProgress = new ConcurrentHashMap<>();

  @Inject DepotSettings settings;

  /** For tests and code outside CDI. */
  public static UploadSlots of(DepotSettings settings) {
    UploadSlots slots = new UploadSlots();
    slots.settings = settings;
    return slots;
  }

  /** One upload in progress; closing it gives the slot back (once). */
  public final class Slot implements AutoCloseable {
    private final String name;
    private boolean closed;

    private Slot(String name) {
      this.name = name;
    }

    @Override
    public void close() {
      if (!closed) {
        closed = true;
        inProgress.computeIfPresent(name, (k, n) -> n <= 1 ? null : n - 1);
      }
    }
  }

  /**
   * Takes a slot for an upload by {@code caller}.
   *
   * @throws DepotException TOO_MANY_UPLOADS if the caller already has {@code depot.max-concurrent-uploads} in progress
   */
  public Slot acquire(Caller caller) {
    String name = caller.actor() == null ? "" : caller.actor();
    int max = settings.maxConcurrentUploads();
    boolean[] refused = {false};
    inProgress.compute(name, (k, n) -> {
      int now = n == null ? 0 : n;
      if (now >= max) {
        refused[0] = true;
        return n;
      }
      return now + 1;
    });
    if (refused[0]) {
      throw new DepotException(Problem.TOO_MANY_UPLOADS,
          "You have " + max + " uploads in progress, the most one caller may have at once; send this one when one of them ends.");
    }
    return new Slot(name);
  }

  /** Uploads {@code name} has in progress now (for tests and health). */
  public int inProgress(String name) {
    return inProgress.getOrDefault(name, 0);
  }
}
