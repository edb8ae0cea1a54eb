package dev.depot.config;

import java.nio.file.Path;

/** Settings for unit tests: fixed values, no MicroProfile Config behind them. */
public class FixedSettings extends DepotSettings {

  public Path results;
  public Path temp;
  public long maxFileSize = 1L << 30;
  public int maxParts = 100;
  public long maxPartHeaderSize = 8 << 10;
  public long maxFieldSize = 64 << 10;
  public boolean fsync = true;
  public long minFreeSpace = 0;
  public java.time.Duration tempMaxAge = java.time.Duration.ofHours(1);
  public String reconcile = "repair";
  public int reconcileMaxDropPercent = 10;
  public int maxPathDepth = 32;
  public long minTransferRate = 0;
  public java.time.Duration minTransferRateWindow = java.time.Duration.ofSeconds(60);
  public java.time.Duration uploadsExpireAfter = java.time.Duration.ofDays(1);
  public boolean resultsDirConfigured = true;
  public String grants = dev.depot.access.control.Grants.DEFAULTS;
  public long quotaBytes = Long.MAX_VALUE;
  public long quotaFiles = Long.MAX_VALUE;
  /** Named quota settings by key ({@code depot.quota.user.alice.bytes}), as text. */
  public final java.util.Map<String, String> namedQuotas = new java.util.concurrent.ConcurrentHashMap<>();
  public int maxConcurrentUploads = 32;

  public FixedSettings(Path results) {
    this.results = results;
    this.temp = results.resolve(DEFAULT_TEMP_DIR_NAME);
  }

  @Override
  public dev.depot.access.control.Grants grants() {
    return dev.depot.access.control.Grants.parse(grants);
  }

  @Override
  public long quotaBytes() {
    return quotaBytes;
  }

  @Override
  public long quotaFiles() {
    return quotaFiles;
  }

  @Override
  public java.util.OptionalLong userQuota(String name, boolean files) {
    return named(QUOTA_USER + name + (files ? ".files" : ".bytes"), files);
  }

  @Override
  public java.util.OptionalLong groupQuota(String group, boolean files) {
    return named(QUOTA_GROUP + group + (files ? ".files" : ".bytes"), files);
  }

  private java.util.OptionalLong named(String key, boolean files) {
    String text = namedQuotas.get(key);
    return text == null ? java.util.OptionalLong.empty() : java.util.OptionalLong.of(files ? quotaCount(text) : quotaSize(text));
  }

  @Override
  public int maxConcurrentUploads() {
    return maxConcurrentUploads;
  }

  @Override
  public Path resultsDir() {
    return results;
  }

  @Override
  public Path tempDir() {
    return temp;
  }

  @Override
  public long maxFileSize() {
    return maxFileSize;
  }

  @Override
  public int maxParts() {
    return maxParts;
  }

  @Override
  public int maxPartHeaderSize() {
    return (int) maxPartHeaderSize;
  }

  @Override
  public long maxFieldSize() {
    return maxFieldSize;
  }

  @Override
  public boolean fsync() {
    return fsync;
  }

  @Override
  public long minFreeSpace() {
    return minFreeSpace;
  }

  @Override
  public java.time.Duration tempMaxAge() {
    return tempMaxAge;
  }

  @Override
  public String reconcile() {
    return reconcile;
  }

  @Override
  public int reconcileMaxDropPercent() {
    return reconcileMaxDropPercent;
  }

  @Override
  public int maxPathDepth() {
    return maxPathDepth;
  }

  @Override
  public long minTransferRate() {
    return minTransferRate;
  }

  @Override
  public java.time.Duration minTransferRateWindow() {
    return minTransferRateWindow;
  }

  @Override
  public boolean resultsDirConfigured() {
    return resultsDirConfigured;
  }

  @Override
  public java.time.Duration uploadsExpireAfter() {
    return uploadsExpireAfter;
  }
}
