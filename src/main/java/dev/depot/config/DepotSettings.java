package dev.depot.config;

import dev.depot.access.control.Grants;
import dev.depot.access.control.JwtVerifier;
import dev.depot.access.control.LinkSigner;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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
  public static final String RECONCILE_MAX_DROP_PERCENT = "depot.reconcile-max-drop-percent";
  public static final String MAX_PATH_DEPTH = "depot.max-path-depth";
  public static final String MIN_TRANSFER_RATE = "depot.min-transfer-rate";
  public static final String MIN_TRANSFER_RATE_WINDOW = "depot.min-transfer-rate-window";
  public static final String GRANTS = "depot.grants";
  public static final String ANONYMOUS_READ = "depot.anonymous-read";
  public static final String LINK_KEYS = "depot.link-keys";
  public static final String LINK_MAX_EXPIRY = "depot.link-max-expiry";
  public static final String ALLOWED_ORIGINS = "depot.allowed-origins";
  public static final String QUOTA_BYTES = "depot.quota.bytes";
  public static final String QUOTA_FILES = "depot.quota.files";
  /** {@code depot.quota.user.NAME.bytes} and {@code .files}: one user's quota. */
  public static final String QUOTA_USER = "depot.quota.user.";
  /** {@code depot.quota.group.NAME.bytes} and {@code .files}: the quota of each member of a group. */
  public static final String QUOTA_GROUP = "depot.quota.group.";
  public static final String MAX_CONCURRENT_UPLOADS = "depot.max-concurrent-uploads";
  public static final String AUDIT_RETENTION = "depot.audit-retention";
  public static final String SESSION_TIMEOUT = "depot.session-timeout";
  public static final String UPLOADS_EXPIRE_AFTER = "depot.uploads.expire-after";
  public static final String UPLOADS_SWEEP_INTERVAL = "depot.uploads.sweep-interval";
  public static final String JWT_PUBLIC_KEY = "mp.jwt.verify.publickey";
  public static final String JWT_PUBLIC_KEY_LOCATION = "mp.jwt.verify.publickey.location";
  public static final String JWT_ISSUER = "mp.jwt.verify.issuer";
  public static final String JWT_AUDIENCES = "mp.jwt.verify.audiences";
  public static final String JWT_CLOCK_SKEW = "mp.jwt.verify.clock.skew";

  /** The default of {@code depot.grants}: the three roles over the whole tree. */
  public static final Grants DEFAULT_GRANTS = Grants.parse(Grants.DEFAULTS);

  /** Name of the default staging folder inside the results directory (same filesystem). */
  public static final String DEFAULT_TEMP_DIR_NAME = ".depot-tmp";

  private static final Logger LOG = Logger.getLogger(DepotSettings.class.getName());

  private final Map<String, Object> lastGood = new ConcurrentHashMap<>();
  private final Map<String, String> reportedInvalid = new ConcurrentHashMap<>();
  /** Setting key → what is wrong with its current value, as last read; safe to show an operator. */
  private final Map<String, String> problems = new ConcurrentHashMap<>();

  private final Function<String, Optional<String>> source;
  /** The names of the settings that are set, for keys that carry a name ({@code depot.quota.user.NAME.bytes}). */
  private final java.util.function.Supplier<Set<String>> names;
  /** A random link key for this process, used while {@code depot.link-keys} is not set. */
  private final List<byte[]> processLinkKeys = List.of(randomKey());
  private final Map<String, Memo<?>> memos = new ConcurrentHashMap<>();

  public DepotSettings() {
    this(DepotSettings::raw, DepotSettings::rawNames);
  }

  /** For tests: settings read from {@code source} instead of the server's configuration. */
  DepotSettings(Function<String, Optional<String>> source) {
    this(source, Set::of);
  }

  /** For tests: settings read from {@code source}, whose set keys {@code names} lists. */
  DepotSettings(Function<String, Optional<String>> source, java.util.function.Supplier<Set<String>> names) {
    this.source = source;
    this.names = names;
  }

  /**
   * {@code depot.results-dir}: absolute directory where stored files live. Defaults to {@code
   * ${user.home}/depot/results}. Created if missing only when the database has no rows for it (see
   * {@code Stores}).
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
   * {@code depot.reconcile-max-drop-percent}: startup recovery drops rows whose file is gone only while
   * they are at most this share of the store's rows (or at most {@code 10} rows); beyond it, it drops
   * nothing, reports, and the store takes no writes until an operator looks. Defaults to 10.
   */
  public int reconcileMaxDropPercent() {
    return value(RECONCILE_MAX_DROP_PERCENT, DepotSettings::percent, 10);
  }

  /** {@code depot.max-path-depth}: most segments in a stored path. Defaults to 32. */
  public int maxPathDepth() {
    return value(MAX_PATH_DEPTH, DepotSettings::positiveInt, 32);
  }

  /**
   * {@code depot.min-transfer-rate}: bytes per second an upload must deliver (and a download take),
   * averaged over {@link #minTransferRateWindow()}; a slower transfer is cut off and cleaned up. {@code
   * 0} turns the check off. Defaults to 1KiB.
   */
  public long minTransferRate() {
    return value(MIN_TRANSFER_RATE, DepotSettings::nonNegativeSize, 1L << 10);
  }

  /** {@code depot.min-transfer-rate-window}: the span the minimum rate is averaged over. Defaults to PT60S. */
  public java.time.Duration minTransferRateWindow() {
    return value(MIN_TRANSFER_RATE_WINDOW, DepotSettings::positiveDuration, java.time.Duration.ofSeconds(60));
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
    reconcileMaxDropPercent();
    maxPathDepth();
    minTransferRate();
    minTransferRateWindow();
    grants();
    linkSigner();
    linkMaxExpiry();
    allowedOrigins();
    auditRetention();
    sessionTimeout();
    uploadsExpireAfter();
    uploadsSweepInterval();
    jwtVerifier();
    quotaBytes();
    quotaFiles();
    maxConcurrentUploads();
    checkNamedQuotas();
    return new TreeMap<>(problems);
  }

  /**
   * {@code depot.quota.bytes}: the most bytes each user may have stored (charged to who wrote each
   * file's current bytes), unless a user or group setting says otherwise. A size, or {@code
   * unlimited}. Defaults to unlimited ({@link Long#MAX_VALUE}).
   */
  public long quotaBytes() {
    return value(QUOTA_BYTES, DepotSettings::quotaSize, Long.MAX_VALUE);
  }

  /**
   * {@code depot.quota.files}: the most files each user may have stored, unless a user or group
   * setting says otherwise. A whole number, or {@code unlimited}. Defaults to unlimited ({@link
   * Long#MAX_VALUE}).
   */
  public long quotaFiles() {
    return value(QUOTA_FILES, DepotSettings::quotaCount, Long.MAX_VALUE);
  }

  /**
   * {@code depot.quota.user.NAME.bytes} / {@code .files}: user NAME's own quota ({@code unlimited} is
   * {@link Long#MAX_VALUE}); empty when not set (or invalid and never valid before). No default.
   */
  public java.util.OptionalLong userQuota(String name, boolean files) {
    return namedQuota(QUOTA_USER + name + (files ? ".files" : ".bytes"), files);
  }

  /** {@code depot.quota.group.NAME.bytes} / {@code .files}: the quota of each member of group NAME; as {@link #userQuota}. */
  public java.util.OptionalLong groupQuota(String group, boolean files) {
    return namedQuota(QUOTA_GROUP + group + (files ? ".files" : ".bytes"), files);
  }

  /**
   * {@code depot.max-concurrent-uploads}: the most uploads one caller (by name; all of one issuer's
   * signed links together count as one caller of their own) may have in progress at once; one more is refused with 429 before its body
   * is read. A whole number, or {@code unlimited}. Defaults to 32.
   */
  public int maxConcurrentUploads() {
    return value(MAX_CONCURRENT_UPLOADS, text -> text.equalsIgnoreCase(UNLIMITED) ? Integer.MAX_VALUE : positiveInt(text), 32);
  }

  /** The text that lifts a quota or a cap. */
  public static final String UNLIMITED = "unlimited";

  private java.util.OptionalLong namedQuota(String key, boolean files) {
    Long value = value(key, files ? DepotSettings::quotaCount : DepotSettings::quotaSize, null);
    return value == null ? java.util.OptionalLong.empty() : java.util.OptionalLong.of(value);
  }

  /**
   * The groups some {@code depot.quota.group.NAME.bytes|files} key is set for: a realm that reports
   * groups only when asked by name (WildFly's {@code isUserInRole}) is asked about these too.
   */
  public Set<String> quotaGroupNames() {
    Set<String> groups = new java.util.TreeSet<>();
    for (String key : names.get()) {
      if (key.startsWith(QUOTA_GROUP) && (key.endsWith(".bytes") || key.endsWith(".files"))) {
        String group = key.substring(QUOTA_GROUP.length(), key.length() - ".bytes".length());
        if (!group.isEmpty()) {
          groups.add(group);
        }
      }
    }
    return groups;
  }

  /** Reads every set {@code depot.quota.user.*} and {@code depot.quota.group.*} key, so a bad one is a problem before it is used. */
  private void checkNamedQuotas() {
    Set<String> set = names.get();
    for (String key : List.copyOf(problems.keySet())) {
      if (isNamedQuota(key) && !set.contains(key)) {
        valid(key); // removed since it was reported
      }
    }
    for (String key : set) {
      if (!isNamedQuota(key)) {
        continue;
      }
      if (key.endsWith(".bytes") || key.endsWith(".files")) {
        namedQuota(key, key.endsWith(".files"));
      } else {
        reportedInvalid.put(key, key);
        problems.put(key, "unknown quota setting: a quota key ends in .bytes or .files");
      }
    }
  }

  private static boolean isNamedQuota(String key) {
    return key.startsWith(QUOTA_USER) || key.startsWith(QUOTA_GROUP);
  }

  static long quotaSize(String text) {
    return text.equalsIgnoreCase(UNLIMITED) ? Long.MAX_VALUE : DataSize.parse(text);
  }

  static long quotaCount(String text) {
    if (text.equalsIgnoreCase(UNLIMITED)) {
      return Long.MAX_VALUE;
    }
    try {
      long n = Long.parseLong(text);
      if (n < 0) {
        throw new IllegalArgumentException("must not be negative");
      }
      return n;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a whole number or 'unlimited'", e);
    }
  }

  /**
   * {@code depot.grants}: who may read, write and delete under which prefix, one grant a line or
   * separated by {@code ;} (syntax: {@code dev.depot.access.control.Grants}). Defaults to {@value
   * Grants#DEFAULTS}. With {@code depot.anonymous-read=true} (default false), anyone may read
   * everything besides.
   */
  public Grants grants() {
    Grants grants = value(GRANTS, memo(GRANTS, Grants::parse), DEFAULT_GRANTS);
    return anonymousRead() ? grants.withAnonymousRead() : grants;
  }

  /** {@code depot.anonymous-read}: everyone, signed in or not, may read every file. Defaults to false. */
  public boolean anonymousRead() {
    return value(ANONYMOUS_READ, DepotSettings::bool, false);
  }

  /**
   * {@code depot.link-keys}: the secrets signed links are signed with, comma-separated, each at least
   * 32 bytes ({@code base64:…} or text); the first signs, all verify, so a new key goes first and the
   * old one stays second until its links have expired. Defaults to a random key made at start: links
   * then stop working at a restart and are not shared between instances.
   */
  public LinkSigner linkSigner() {
    List<byte[]> keys = secret(LINK_KEYS, memo(LINK_KEYS, LinkSigner::parseKeys), processLinkKeys);
    return new LinkSigner(keys);
  }

  /** {@code depot.link-max-expiry}: the longest a signed link may live. Defaults to P7D. */
  public java.time.Duration linkMaxExpiry() {
    return value(LINK_MAX_EXPIRY, DepotSettings::positiveDuration, java.time.Duration.ofDays(7));
  }

  /**
   * {@code depot.audit-retention}: how long audit records are kept (an ISO-8601 duration such as {@code
   * P90D}, or seconds); older ones are deleted by a sweep that runs at most once an hour. Defaults to
   * P90D.
   */
  public java.time.Duration auditRetention() {
    return value(AUDIT_RETENTION, DepotSettings::positiveDuration, java.time.Duration.ofDays(90));
  }

  /**
   * {@code depot.allowed-origins}: other web origins ({@code https://app.example.com}, comma-separated)
   * whose pages may send unsafe requests; Depot's own origin always may. Defaults to none.
   */
  public Set<String> allowedOrigins() {
    return value(ALLOWED_ORIGINS, DepotSettings::origins, Set.of());
  }

  /**
   * {@code depot.uploads.expire-after}: a resumable upload that receives nothing for this long is
   * removed with its bytes (an ISO-8601 duration or seconds); a completed one is forgotten then too.
   * Defaults to P1D.
   */
  public java.time.Duration uploadsExpireAfter() {
    return value(UPLOADS_EXPIRE_AFTER, DepotSettings::positiveDuration, java.time.Duration.ofDays(1));
  }

  /**
   * {@code depot.uploads.sweep-interval}: how often expired resumable uploads are looked for. Defaults
   * to PT1M.
   */
  public java.time.Duration uploadsSweepInterval() {
    return value(UPLOADS_SWEEP_INTERVAL, DepotSettings::positiveDuration, java.time.Duration.ofMinutes(1));
  }

  /** {@code depot.session-timeout}: a browser session idle this long ends. Defaults to PT30M. */
  public java.time.Duration sessionTimeout() {
    return value(SESSION_TIMEOUT, DepotSettings::positiveDuration, java.time.Duration.ofMinutes(30));
  }

  /**
   * Bearer token verification, from the MicroProfile JWT keys: {@code mp.jwt.verify.publickey} (PEM,
   * JWK or JWKS text) or {@code mp.jwt.verify.publickey.location} (a file or {@code file:} URL of one),
   * {@code mp.jwt.verify.issuer}, {@code mp.jwt.verify.audiences} (comma-separated) and {@code
   * mp.jwt.verify.clock.skew} (seconds, default 60). Empty, and bearer tokens refused, while no key is
   * set.
   */
  public Optional<JwtVerifier> jwtVerifier() {
    Optional<String> keyText = source.apply(JWT_PUBLIC_KEY).filter(v -> !v.isBlank());
    Optional<String> location = source.apply(JWT_PUBLIC_KEY_LOCATION).filter(v -> !v.isBlank());
    if (keyText.isEmpty() && location.isEmpty()) {
      valid(JWT_PUBLIC_KEY);
      return Optional.empty();
    }
    String issuer = source.apply(JWT_ISSUER).filter(v -> !v.isBlank()).map(String::strip).orElse(null);
    String audiences = source.apply(JWT_AUDIENCES).orElse("");
    java.time.Duration skew = value(JWT_CLOCK_SKEW, DepotSettings::duration, java.time.Duration.ofSeconds(60));
    // The key file's size and modification time are part of what is remembered: a replaced key file
    // (a compromised key rotated out) applies to the next request, not at the next restart.
    String config = keyText.orElse("") + "\n@" + location.orElse("") + "\n" + location.map(DepotSettings::fileStamp).orElse("")
        + "\n" + issuer + "\n" + audiences + "\n" + skew;
    try {
      JwtVerifier verifier = memo(JWT_PUBLIC_KEY, text -> {
        String keys = keyText.isPresent() ? keyText.get() : readKeyFile(location.get());
        return new JwtVerifier(JwtVerifier.Settings.of(keys, issuer, audiences, skew));
      }).apply(config);
      lastGood.put(JWT_PUBLIC_KEY, verifier);
      valid(JWT_PUBLIC_KEY);
      return Optional.of(verifier);
    } catch (IllegalArgumentException e) {
      if (reportedInvalid.put(JWT_PUBLIC_KEY, config) == null) {
        LOG.warning(() -> "Invalid bearer token key settings: " + e.getMessage());
      }
      problems.put(JWT_PUBLIC_KEY, "invalid bearer token key (" + e.getMessage() + ")"
          + (lastGood.containsKey(JWT_PUBLIC_KEY) ? "; keeping the last good one" : "; bearer tokens are refused"));
      return Optional.ofNullable((JwtVerifier) lastGood.get(JWT_PUBLIC_KEY));
    }
  }

  /**
   * The configured results and temp directories, as they are set now (nothing is created or checked
   * on disk here: {@code dev.depot.storage.control.Stores} decides whether a directory may be used,
   * because that depends on what the database knows).
   */
  public StorageLayout layout() {
    return new StorageLayout(resultsDir(), tempDir());
  }

  /**
   * Whether {@code depot.results-dir} is set at all (rather than falling back to the default). Depot
   * starts a new store in an unknown directory only when told to explicitly: a results directory that
   * silently fell back to the default (a missing {@code DEPOT_RESULTS_DIR}) must not receive uploads
   * meant for a volume.
   */
  public boolean resultsDirConfigured() {
    return source.apply(RESULTS_DIR).filter(v -> !v.isBlank()).isPresent();
  }

  private <T> T value(String key, Function<String, T> parser, T defaultValue) {
    return value(key, parser, defaultValue, false);
  }

  /** Like {@link #value} for a secret: its text never reaches a log or the settings report. */
  private <T> T secret(String key, Function<String, T> parser, T defaultValue) {
    return value(key, parser, defaultValue, true);
  }

  @SuppressWarnings("unchecked")
  private <T> T value(String key, Function<String, T> parser, T defaultValue, boolean secret) {
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
        LOG.warning(() -> "Invalid " + key + (secret ? "" : " '" + raw.get() + "'") + ": " + e.getMessage()
            + "; keeping " + (secret ? "the last good value" : kept == null ? "it unset" : kept));
      }
      problems.put(key, "invalid value (" + e.getMessage() + "); keeping the "
          + (lastGood.containsKey(key) ? "last good value" : "default"));
      return kept;
    }
  }

  /**
   * Parses a setting once per distinct text: grants, keys and token settings are read on every
   * request, and parsing them each time would be waste (a key file would be read per request).
   */
  @SuppressWarnings("unchecked")
  private <T> Function<String, T> memo(String key, Function<String, T> parser) {
    return text -> {
      Memo<T> memo = (Memo<T>) memos.get(key);
      if (memo != null && memo.text().equals(text)) {
        return memo.value();
      }
      T value = parser.apply(text);
      memos.put(key, new Memo<>(text, value));
      return value;
    };
  }

  private record Memo<T>(String text, T value) {}

  private static byte[] randomKey() {
    byte[] key = new byte[32];
    new java.security.SecureRandom().nextBytes(key);
    return key;
  }

  private static String fileStamp(String location) {
    try {
      Path path = location.startsWith("file:") ? Path.of(java.net.URI.create(location)) : Path.of(location);
      java.nio.file.attribute.BasicFileAttributes a = java.nio.file.Files.readAttributes(path, java.nio.file.attribute.BasicFileAttributes.class);
      return a.size() + ":" + a.lastModifiedTime().toMillis() + ":" + a.fileKey();
    } catch (java.io.IOException | RuntimeException e) {
      return "unreadable";
    }
  }

  private static String readKeyFile(String location) {
    try {
      Path path = location.startsWith("file:") ? Path.of(java.net.URI.create(location)) : Path.of(location);
      return java.nio.file.Files.readString(path);
    } catch (java.io.IOException | RuntimeException e) {
      throw new IllegalArgumentException("cannot read " + JWT_PUBLIC_KEY_LOCATION + " (" + e.getClass().getSimpleName() + ")", e);
    }
  }

  static Set<String> origins(String text) {
    Set<String> origins = new java.util.LinkedHashSet<>();
    for (String part : text.split(",")) {
      String origin = part.strip();
      if (origin.isEmpty()) {
        continue;
      }
      if (!origin.matches("https?://[^/?#\\s]+")) {
        throw new IllegalArgumentException("'" + origin + "' is not an origin like https://host[:port]");
      }
      origins.add(origin.toLowerCase(java.util.Locale.ROOT));
    }
    return Set.copyOf(origins);
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

  /** The keys set as system properties or in MicroProfile Config (for the quota keys that carry a name). */
  private static Set<String> rawNames() {
    Set<String> names = new java.util.HashSet<>(System.getProperties().stringPropertyNames());
    for (String name : ConfigProvider.getConfig(DepotSettings.class.getClassLoader()).getPropertyNames()) {
      names.add(name);
    }
    return names;
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

  static java.time.Duration positiveDuration(String text) {
    java.time.Duration d = duration(text);
    if (d.isZero()) {
      throw new IllegalArgumentException("must be longer than zero");
    }
    return d;
  }

  static int percent(String text) {
    String number = text.endsWith("%") ? text.substring(0, text.length() - 1).trim() : text;
    try {
      int n = Integer.parseInt(number);
      if (n < 0 || n > 100) {
        throw new IllegalArgumentException("must be from 0 to 100");
      }
      return n;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a whole percentage (examples: 10, 10%)", e);
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
