package dev.depot.config;

import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * The one place that reads Depot's server-managed configuration.
 *
 * <p>Values come from MicroProfile Config, so an admin sets them as server system properties (Payara:
 * Configurations → server-config → System Properties or {@code asadmin create-system-properties};
 * WildFly: Configuration → System Properties or {@code jboss-cli}) or as environment variables
 * ({@code DEPOT_RESULTS_DIR}). Every getter reads the current value, so a change applies to the next
 * upload without a redeploy. An invalid value is logged once and the last good value (at first, the
 * default) stays in force, so a typo never fails uploads obscurely; {@link #problems()} lists what is
 * wrong right now, for the health checks.
 */
@ApplicationScoped
public class DepotSettings {

  public static final String RESULTS_DIR = "depot.results-dir";
  public static final String TEMP_DIR = "depot.temp-dir";
  public static final String MAX_FILE_SIZE = "depot.max-file-size";
  public static final String MAX_PARTS = "depot.max-parts";
  public static final String MAX_PART_HEADER_SIZE = "depot.max-part-header-size";
  public static final String MAX_FIELD_SIZE = "depot.max-field-size";
  public static final String FSYNC = "depot.fsync";
  public static final String MIN_FREE_SPACE = "depot.min-free-space";
  public static final String TEMP_MAX_AGE = "depot.temp-max-age";
  public static final String RECONCILE = "depot.reconcile";

  /** Name of the default staging folder inside the results directory (same filesystem). */
  public static final String DEFAULT_TEMP_DIR_NAME = ".depot-tmp";

  private static final Logger LOG = Logger.getLogger(DepotSettings.class.getName());

  private final Map<String, Object> lastGood = new ConcurrentHashMap<>();
  private final Map<String, String> reportedInvalid = new ConcurrentHashMap<>();
  private final Map<StorageLayout, Boolean> preparedLayouts = new ConcurrentHashMap<>();
  /** Setting key → what is wrong with its current value, as last read; safe to show an operator. */
  private final Map<String, String> problems = new ConcurrentHashMap<>();
  /** The layout of the last successful {@link #layout()}: kept when a changed one is unusable. */
  private volatile StorageLayout lastGoodLayout;

  private final Function<String, Optional<String>> source;

  public DepotSettings() {
    this(DepotSettings::raw);
  }

  /** For tests: settings read from {@code source} instead of the server's configuration. */
  DepotSettings(Function<String, Optional<String>> source) {
    this.source = source;
  }

  /**
   * {@code depot.results-dir}: absolute directory where stored files live. Defaults to {@code
   * ${user.home}/depot/results}; created if missing.
   */
  public Path resultsDir() {
    return value(
        RESULTS_DIR,
        DepotSettings::absoluteDirectory,
        Path.of(System.getProperty("user.home"), "depot", "results"));
  }

  /**
   * {@code depot.temp-dir}: absolute directory where uploads are staged until complete. Defaults to
   * {@code .depot-tmp} inside the results directory, so that publishing a file is a same-filesystem
   * atomic rename. {@code java.io.tmpdir} is never used for upload bytes.
   */
  public Path tempDir() {
    Path results = resultsDir();
    return value(TEMP_DIR, DepotSettings::absoluteDirectory, results.resolve(DEFAULT_TEMP_DIR_NAME));
  }

  /** {@code depot.max-file-size}: largest accepted file (one PUT body or one part). Defaults to 16GiB. */
  public long maxFileSize() {
    return value(MAX_FILE_SIZE, DepotSettings::positiveSize, 16L << 30);
  }

  /** {@code depot.max-parts}: most parts (fields and files) in one multipart request. Defaults to 100. */
  public int maxParts() {
    return value(MAX_PARTS, DepotSettings::positiveInt, 100);
  }

  /** {@code depot.max-part-header-size}: largest header block of one multipart part. Defaults to 8KiB. */
  public int maxPartHeaderSize() {
    return (int) Math.min(Integer.MAX_VALUE, value(MAX_PART_HEADER_SIZE, DepotSettings::positiveSize, 8L << 10));
  }

  /** {@code depot.max-field-size}: largest non-file multipart field. Defaults to 64KiB. */
  public long maxFieldSize() {
    return value(MAX_FIELD_SIZE, DepotSettings::positiveSize, 64L << 10);
  }

  /**
   * {@code depot.fsync}: force each file to disk before it becomes visible. Defaults to true; false
   * trades durability across power loss for speed.
   */
  public boolean fsync() {
    return value(FSYNC, DepotSettings::bool, true);
  }

  /**
   * {@code depot.min-free-space}: space always left free on the results filesystem; an upload that
   * would eat into it is refused with 507 before (declared length) or while (chunked) it is written,
   * and below it the readiness check reports DOWN. Defaults to 1GiB.
   */
  public long minFreeSpace() {
    return value(MIN_FREE_SPACE, DepotSettings::nonNegativeSize, 1L << 30);
  }

  /**
   * {@code depot.temp-max-age}: at startup, staged files older than this are left over from a crash
   * and deleted. ISO-8601 ({@code PT1H}) or seconds. Defaults to PT1H.
   */
  public java.time.Duration tempMaxAge() {
    return value(TEMP_MAX_AGE, DepotSettings::duration, java.time.Duration.ofHours(1));
  }

  /**
   * {@code depot.reconcile}: at startup, {@code repair} (default) adopts files that have no row and
   * drops rows whose file is gone; {@code report} only logs what it finds; {@code off} skips it.
   */
  public String reconcile() {
    return value(RECONCILE, DepotSettings::reconcileMode, "repair");
  }

  /**
   * What is wrong with the configuration right now: every setting is read afresh, and each invalid
   * one (or an unusable directory) maps its key to a reason written for an operator. The values in
   * force are the last good ones. Empty when all is well.
   */
  public Map<String, String> problems() {
    resultsDir();
    tempDir();
    maxFileSize();
    maxParts();
    maxPartHeaderSize();
    maxFieldSize();
    fsync();
    minFreeSpace();
    tempMaxAge();
    reconcile();
    try {
      layout();
    } catch (UncheckedIOException e) {
      // recorded in problems by layout()
    }
    return new TreeMap<>(problems);
  }

  /**
   * The current results and temp directories, created if missing and checked: both writable, temp not
   * world-accessible, and both on one filesystem (else a warning: publishing needs a rename). When a
   * changed setting names a directory that cannot be used, the problem is logged once and reported by
   * {@link #problems()}, and the last good layout stays in force while it is still writable.
   *
   * @throws UncheckedIOException if the directories cannot be created or are not writable, and there
   *     is no usable earlier layout to keep
   */
  public StorageLayout layout() {
    StorageLayout wanted = new StorageLayout(resultsDir(), tempDir());
    if (preparedLayouts.containsKey(wanted)) {
      clearLayoutProblems();
      lastGoodLayout = wanted;
      return wanted;
    }
    try {
      prepare(wanted);
    } catch (UnusableDirectoryException e) {
      StorageLayout kept = lastGoodLayout;
      boolean keep = kept != null && !kept.equals(wanted) && Files.isWritable(kept.results()) && Files.isWritable(kept.temp());
      String reason = e.reason + (keep ? "; keeping the previous directory" : "");
      if (!reason.equals(problems.put(e.key, reason))) {
        LOG.severe(() -> "Depot storage directory " + e.key + " " + e.dir + " is not usable: " + e.getMessage()
            + (keep ? "; keeping " + (e.key.equals(RESULTS_DIR) ? kept.results() : kept.temp()) : ""));
      }
      if (keep) {
        return kept;
      }
      throw new UncheckedIOException(e);
    }
    preparedLayouts.put(wanted, Boolean.TRUE);
    clearLayoutProblems();
    lastGoodLayout = wanted;
    return wanted;
  }

  private void clearLayoutProblems() {
    // A directory problem is only about the layout; a parse problem of the same key stays.
    problems.computeIfPresent(RESULTS_DIR, (k, v) -> reportedInvalid.containsKey(k) ? v : null);
    problems.computeIfPresent(TEMP_DIR, (k, v) -> reportedInvalid.containsKey(k) ? v : null);
  }

  /** A configured directory that cannot be created or written: which setting, and why. */
  private static final class UnusableDirectoryException extends IOException {
    final String key;
    final Path dir;
    final String reason;

    UnusableDirectoryException(String key, Path dir, String reason, Throwable cause) {
      super(reason + ": " + dir, cause);
      this.key = key;
      this.dir = dir;
      this.reason = reason;
    }
  }

  private static void prepare(StorageLayout layout) throws UnusableDirectoryException {
    createWritable(RESULTS_DIR, layout.results());
    createWritable(TEMP_DIR, layout.temp());
    try {
      try {
        Files.setPosixFilePermissions(layout.temp(), PosixFilePermissions.fromString("rwx------"));
      } catch (UnsupportedOperationException e) {
        LOG.fine("temp directory permissions not set: filesystem is not POSIX");
      }
      FileStore resultsStore = Files.getFileStore(layout.results());
      FileStore tempStore = Files.getFileStore(layout.temp());
      if (!resultsStore.equals(tempStore)) {
        LOG.warning(
            () ->
                "depot.temp-dir "
                    + layout.temp()
                    + " is on another filesystem than depot.results-dir "
                    + layout.results()
                    + ": uploads cannot be published by an atomic rename and will fail. "
                    + "Put the temp directory on the results filesystem (the default does).");
      }
      LOG.info(() -> "Depot stores files in " + layout.results() + ", staging in " + layout.temp());
    } catch (IOException e) {
      throw new UnusableDirectoryException(TEMP_DIR, layout.temp(), "cannot be prepared", e);
    }
  }

  private static void createWritable(String key, Path dir) throws UnusableDirectoryException {
    try {
      if (!Files.isDirectory(dir)) {
        Files.createDirectories(dir);
      }
    } catch (IOException e) {
      throw new UnusableDirectoryException(key, dir, "cannot be created", e);
    }
    if (!Files.isWritable(dir)) {
      throw new UnusableDirectoryException(key, dir, "is not writable", null);
    }
  }

  @SuppressWarnings("unchecked")
  private <T> T value(String key, Function<String, T> parser, T defaultValue) {
    Optional<String> raw = source.apply(key);
    if (raw.isEmpty() || raw.get().isBlank()) {
      lastGood.remove(key);
      valid(key);
      return defaultValue;
    }
    try {
      T parsed = parser.apply(raw.get().trim());
      lastGood.put(key, parsed);
      valid(key);
      return parsed;
    } catch (IllegalArgumentException e) {
      T kept = (T) lastGood.getOrDefault(key, defaultValue);
      if (!raw.get().equals(reportedInvalid.put(key, raw.get()))) {
        LOG.warning(() -> "Invalid " + key + " '" + raw.get() + "': " + e.getMessage() + "; keeping " + kept);
      }
      problems.put(key, "invalid value (" + e.getMessage() + "); keeping the "
          + (lastGood.containsKey(key) ? "last good value" : "default"));
      return kept;
    }
  }

  private void valid(String key) {
    if (reportedInvalid.remove(key) != null) {
      problems.remove(key);
      LOG.info(() -> key + " is valid again");
    }
  }

  /**
   * A JVM system property first, then MicroProfile Config. System properties are the highest-ordinal
   * MicroProfile source anyway (400), but Payara caches Config values for 60 s by default
   * ({@code set-config-cache}); reading them directly makes an admin's change apply to the very next
   * upload on any server. Environment variables and other sources still come through Config.
   */
  private static Optional<String> raw(String key) {
    String property = System.getProperty(key);
    if (property != null) {
      return Optional.of(property);
    }
    Config config = ConfigProvider.getConfig(DepotSettings.class.getClassLoader());
    return config.getOptionalValue(key, String.class);
  }

  static Path absoluteDirectory(String text) {
    Path path;
    try {
      path = Path.of(text);
    } catch (InvalidPathException e) {
      throw new IllegalArgumentException("not a path", e);
    }
    if (!path.isAbsolute()) {
      throw new IllegalArgumentException("must be an absolute path");
    }
    return path.normalize();
  }

  static long positiveSize(String text) {
    long size = DataSize.parse(text);
    if (size <= 0) {
      throw new IllegalArgumentException("must be greater than zero");
    }
    return size;
  }

  static long nonNegativeSize(String text) {
    return DataSize.parse(text);
  }

  static int positiveInt(String text) {
    try {
      int n = Integer.parseInt(text);
      if (n <= 0) {
        throw new IllegalArgumentException("must be greater than zero");
      }
      return n;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a whole number", e);
    }
  }

  static java.time.Duration duration(String text) {
    try {
      java.time.Duration d =
          text.chars().allMatch(Character::isDigit)
              ? java.time.Duration.ofSeconds(Long.parseLong(text))
              : java.time.Duration.parse(text);
      if (d.isNegative()) {
        throw new IllegalArgumentException("must not be negative");
      }
      return d;
    } catch (java.time.format.DateTimeParseException | NumberFormatException e) {
      throw new IllegalArgumentException("not a duration (examples: PT1H, PT10M, 3600)", e);
    }
  }

  static String reconcileMode(String text) {
    String mode = text.toLowerCase(java.util.Locale.ROOT);
    if (!mode.equals("repair") && !mode.equals("report") && !mode.equals("off")) {
      throw new IllegalArgumentException("must be repair, report or off");
    }
    return mode;
  }

  static boolean bool(String text) {
    return switch (text.toLowerCase(java.util.Locale.ROOT)) {
      case "true", "yes", "on" -> true;
      case "false", "no", "off" -> false;
      default -> throw new IllegalArgumentException("must be true or false");
    };
  }
}
