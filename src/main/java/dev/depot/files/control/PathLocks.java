package dev.depot.files.control;

import java.util.concurrent.locks.ReentrantLock;

/**
 * Serialises the short publish-and-record step per path, so concurrent writers of one path end with
 * one complete upload whose row matches its bytes (last writer wins). Striped: a fixed number of
 * locks, so memory does not grow with the number of paths; two paths sharing a stripe only wait for
 * each other's rename and commit, never for each other's upload.
 */
final class PathLocks {

  private final ReentrantLock[] stripes;

  PathLocks(int stripes) {
    this.stripes = new ReentrantLock[stripes];
    for (int i = 0; i < stripes; i++) {
      this.stripes[i] = new ReentrantLock();
    }
  }

  ReentrantLock forPath(String key) {
    return stripes[Math.floorMod(key.hashCode(), stripes.length)];
  }
}
