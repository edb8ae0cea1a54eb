package dev.depot.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Settings read from a map standing in for the server's configuration. */
class DepotSettingsTest {

  @TempDir Path dir;

  private final Map<String, String> config = new HashMap<>();
  private final DepotSettings cut = new DepotSettings(key -> Optional.ofNullable(config.get(key)));

  @Test
  void defaultsHoldWhenNothingIsSetAndThereIsNoProblem() {
    config.put(DepotSettings.RESULTS_DIR, dir.toString());

    assertEquals(16L << 30, cut.maxFileSize());
    assertEquals(1L << 30, cut.minFreeSpace());
    assertEquals(dir.resolve(DepotSettings.DEFAULT_TEMP_DIR_NAME), cut.tempDir());
    assertEquals(Map.of(), cut.problems());
  }

  @Test
  void invalidSizeKeepsTheLastGoodValueAndIsAProblemUntilFixed() {
    config.put(DepotSettings.RESULTS_DIR, dir.toString());
    config.put(DepotSettings.MAX_FILE_SIZE, "1KiB");
    assertEquals(1024, cut.maxFileSize());

    config.put(DepotSettings.MAX_FILE_SIZE, "lots");

    assertEquals(1024, cut.maxFileSize());
    String problem = cut.problems().get(DepotSettings.MAX_FILE_SIZE);
    assertTrue(problem.contains("not a size") && problem.contains("last good value"), problem);

    config.put(DepotSettings.MAX_FILE_SIZE, "2KiB");
    assertEquals(Map.of(), cut.problems());
    assertEquals(2048, cut.maxFileSize());
  }

  @Test
  void relativeDirectoryIsAProblemAndTheDefaultStays() {
    config.put(DepotSettings.TEMP_DIR, "relative/tmp");
    config.put(DepotSettings.RESULTS_DIR, dir.toString());

    assertEquals(dir.resolve(DepotSettings.DEFAULT_TEMP_DIR_NAME), cut.tempDir());
    assertTrue(cut.problems().get(DepotSettings.TEMP_DIR).contains("absolute"), cut.problems().toString());
  }

  @Test
  void resultsDirIsConfiguredOnlyWhenSet() {
    assertEquals(false, cut.resultsDirConfigured());
    config.put(DepotSettings.RESULTS_DIR, dir.toString());
    assertEquals(true, cut.resultsDirConfigured());
  }

  @Test
  void newSettingsHaveTheirDefaultsAndRefuseGarbage() {
    config.put(DepotSettings.RESULTS_DIR, dir.toString());
    assertEquals(32, cut.maxPathDepth());
    assertEquals(1024, cut.minTransferRate());
    assertEquals(java.time.Duration.ofSeconds(60), cut.minTransferRateWindow());
    assertEquals(10, cut.reconcileMaxDropPercent());

    config.put(DepotSettings.RECONCILE_MAX_DROP_PERCENT, "25%");
    config.put(DepotSettings.MIN_TRANSFER_RATE, "0");
    assertEquals(25, cut.reconcileMaxDropPercent());
    assertEquals(0, cut.minTransferRate());

    config.put(DepotSettings.RECONCILE_MAX_DROP_PERCENT, "120");
    config.put(DepotSettings.MIN_TRANSFER_RATE_WINDOW, "PT0S");
    config.put(DepotSettings.MAX_PATH_DEPTH, "0");
    assertEquals(25, cut.reconcileMaxDropPercent());
    assertTrue(cut.problems().keySet().containsAll(java.util.Set.of(
        DepotSettings.RECONCILE_MAX_DROP_PERCENT, DepotSettings.MIN_TRANSFER_RATE_WINDOW, DepotSettings.MAX_PATH_DEPTH)), cut.problems().toString());
  }

  @Test
  void quotasAndTheUploadCapHaveTheirDefaultsAndTakeUnlimited() {
    config.put(DepotSettings.RESULTS_DIR, dir.toString());
    assertEquals(Long.MAX_VALUE, cut.quotaBytes());
    assertEquals(Long.MAX_VALUE, cut.quotaFiles());
    assertEquals(32, cut.maxConcurrentUploads());
    assertEquals(java.util.OptionalLong.empty(), cut.userQuota("alice", false));

    config.put(DepotSettings.QUOTA_BYTES, "10GiB");
    config.put(DepotSettings.QUOTA_FILES, "1000");
    config.put("depot.quota.user.alice.bytes", "unlimited");
    config.put("depot.quota.group.team-a.files", "5");
    config.put(DepotSettings.MAX_CONCURRENT_UPLOADS, "Unlimited");
    assertEquals(10L << 30, cut.quotaBytes());
    assertEquals(1000, cut.quotaFiles());
    assertEquals(java.util.OptionalLong.of(Long.MAX_VALUE), cut.userQuota("alice", false));
    assertEquals(java.util.OptionalLong.of(5), cut.groupQuota("team-a", true));
    assertEquals(Integer.MAX_VALUE, cut.maxConcurrentUploads());
    assertEquals(Map.of(), cut.problems());
  }

  @Test
  void aBadQuotaSettingForAnyNameIsAProblemBeforeItIsUsedAndGoesWhenRemoved() {
    config.put(DepotSettings.RESULTS_DIR, dir.toString());
    DepotSettings settings = new DepotSettings(key -> Optional.ofNullable(config.get(key)), config::keySet);
    config.put("depot.quota.user.bob.bytes", "lots");
    config.put("depot.quota.group.team-b.byte", "1GiB");
    config.put(DepotSettings.MAX_CONCURRENT_UPLOADS, "0");

    Map<String, String> problems = settings.problems();
    assertTrue(problems.get("depot.quota.user.bob.bytes").contains("not a size"), problems.toString());
    assertTrue(problems.get("depot.quota.group.team-b.byte").contains(".bytes or .files"), problems.toString());
    assertTrue(problems.containsKey(DepotSettings.MAX_CONCURRENT_UPLOADS), problems.toString());
    assertEquals(java.util.OptionalLong.empty(), settings.userQuota("bob", false), "never valid: no limit from it");
    config.put("depot.quota.group.big.files", "10");
    assertEquals(java.util.Set.of("big"), settings.quotaGroupNames(), "a key that is no quota setting names no group");

    config.remove("depot.quota.user.bob.bytes");
    config.remove("depot.quota.group.team-b.byte");
    config.remove(DepotSettings.MAX_CONCURRENT_UPLOADS);
    assertEquals(Map.of(), settings.problems());
  }

  @Test
  void invalidGrantsKeepTheLastGoodOnesAndAreAProblem() {
    config.put(DepotSettings.RESULTS_DIR, dir.toString());
    dev.depot.access.control.Caller alice =
        dev.depot.access.control.Caller.user("alice", java.util.Set.of("team-a"), dev.depot.access.control.Caller.Via.BASIC);
    config.put(DepotSettings.GRANTS, "group:team-a rw team-a/");
    assertTrue(cut.grants().allows(alice, dev.depot.access.control.Permission.WRITE, "team-a/x"));

    config.put(DepotSettings.GRANTS, "group:team-a rwx team-a/");

    assertTrue(cut.grants().allows(alice, dev.depot.access.control.Permission.WRITE, "team-a/x"), "the last good grants stay");
    String problem = cut.problems().get(DepotSettings.GRANTS);
    assertTrue(problem.contains("grant 1") && problem.contains("last good value"), problem);
  }

  @Test
  void linkKeysAreSecretsThatNeverReachTheReport() {
    config.put(DepotSettings.RESULTS_DIR, dir.toString());
    config.put(DepotSettings.LINK_KEYS, "too-short-secret");

    cut.linkSigner();

    String problem = cut.problems().get(DepotSettings.LINK_KEYS);
    assertTrue(problem != null && !problem.contains("too-short-secret"), String.valueOf(problem));
  }

  @Test
  void withoutAKeyBearerTokensAreOffAndThatIsNoProblem() {
    config.put(DepotSettings.RESULTS_DIR, dir.toString());
    assertTrue(cut.jwtVerifier().isEmpty());
    config.put(DepotSettings.JWT_PUBLIC_KEY, "not a key");
    assertTrue(cut.jwtVerifier().isEmpty());
    assertTrue(cut.problems().containsKey(DepotSettings.JWT_PUBLIC_KEY), cut.problems().toString());
    config.remove(DepotSettings.JWT_PUBLIC_KEY);
    assertTrue(cut.jwtVerifier().isEmpty());
    assertEquals(Map.of(), cut.problems());
  }

  @Test
  void aReplacedKeyFileAppliesToTheNextRequest() throws Exception {
    config.put(DepotSettings.RESULTS_DIR, dir.toString());
    java.security.KeyPairGenerator generator = java.security.KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    java.security.KeyPair a = generator.generateKeyPair();
    java.security.KeyPair b = generator.generateKeyPair();
    Path keyFile = dir.resolve("key.pem");
    Files.writeString(keyFile, pem(a));
    config.put(DepotSettings.JWT_PUBLIC_KEY_LOCATION, keyFile.toString());
    String token = token(a);
    assertEquals("carol", cut.jwtVerifier().orElseThrow().verify(token).name());

    Files.writeString(keyFile, pem(b) + "\n"); // another key (another size, too)

    assertThrows(dev.depot.access.control.JwtVerifier.InvalidTokenException.class, () -> cut.jwtVerifier().orElseThrow().verify(token));
  }

  private static String pem(java.security.KeyPair key) {
    return "-----BEGIN PUBLIC KEY-----\n" + java.util.Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(key.getPublic().getEncoded())
        + "\n-----END PUBLIC KEY-----\n";
  }

  private static String token(java.security.KeyPair key) throws Exception {
    com.nimbusds.jwt.SignedJWT jwt = new com.nimbusds.jwt.SignedJWT(new com.nimbusds.jose.JWSHeader(com.nimbusds.jose.JWSAlgorithm.RS256),
        new com.nimbusds.jwt.JWTClaimsSet.Builder().subject("carol").expirationTime(java.util.Date.from(java.time.Instant.now().plusSeconds(300))).build());
    jwt.sign(new com.nimbusds.jose.crypto.RSASSASigner(key.getPrivate()));
    return jwt.serialize();
  }
}
