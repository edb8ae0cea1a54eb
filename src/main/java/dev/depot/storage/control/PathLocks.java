package dev.depot.storage.control;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Serialises the short steps that change or read a path's file and row together — publish-and-record,
 * remove-and-delete, find-and-open — so a row always describes the bytes a reader opens, and concurrent
 * writers of one path end with one complete upload whose row matches its bytes (last writer wins,
 * unless a {@link WritePrecondition} says otherwise). Striped: a fixed number of locks, so memory does
 * not grow with the number of paths; two paths sharing a stripe only wait for each other's rename and
 * commit, never for each other's upload or download. One instance per application, shared by every
 * use case (uploads, reads, deletes and crash recovery).
 */
@ApplicationScoped
public class PathLocks {

  /** Stripes; a power of two is not needed (floorMod). */
  static final int STRIPES = 1024;

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
