package dev.depot.files.control;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Serialises the short publish-and-record step per path, so concurrent writers of one path end with
 * one complete upload whose row matches its bytes (last writer wins). Striped: a fixed number of
 * locks, so memory does not grow with the number of paths; two paths sharing a stripe only wait for
 * each other's rename and commit, never for each other's upload. Shared with the reconciler, so a
 * repair never races an upload of the same path.
 */
@ApplicationScoped
public class PathLocks {

  private static final int STRIPES = 1024;

  private final ReentrantLock[] stripes;

  public PathLocks() {
    this(STRIPES);
  }

  PathLocks(int stripes) {
    this.stripes = new ReentrantLock[stripes];
    for (int i = 0; i < stripes; i++) {
      this.stripes[i] = new ReentrantLock();
    }
  }

  public ReentrantLock forPath(String key) {
    return stripes[Math.floorMod(key.hashCode(), stripes.length)];
  }
}
