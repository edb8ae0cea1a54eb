package dev.depot.it;

import java.util.HashMap;
import java.util.Map;

/**
 * The system properties an in-container test sets (Depot reads its settings from them, afresh at each
 * use) and their values before, so that {@link #restore()} after the test leaves the server as the
 * suite configured it for the next test.
 */
public final class SystemProperties {

  private final Map<String, String> saved = new HashMap<>();

  /** Sets {@code key}, remembering its value before the first change in this test. */
  public void set(String key, String value) {
    saved.putIfAbsent(key, System.getProperty(key));
    System.setProperty(key, value);
  }

  /** Puts every property this test set back as it was (cleared where there was none). */
  public void restore() {
    saved.forEach((k, v) -> {
      if (v == null) {
        System.clearProperty(k);
      } else {
        System.setProperty(k, v);
      }
    });
    saved.clear();
  }
}
