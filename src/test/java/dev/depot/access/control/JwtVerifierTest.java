package dev.depot.access.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.depot.access.control.JwtVerifier.InvalidTokenException;
import dev.depot.access.control.JwtVerifier.Settings;
import dev.depot.access.control.JwtVerifier.Verified;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class JwtVerifierTest {

  // Key pairs are immutable fixtures, made once: RSA generation is the slow part of this class.
  private static final KeyPair RSA = generate("RSA", 2048);
  private static final KeyPair OTHER_RSA = generate("RSA", 2048);
  private static final KeyPair EC = generate("EC", 0);
  private static final KeyPair OTHER_EC = generate("EC", 0);

  private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
  private static final String ISSUER = "https://idp.example/realms/depot";
  private static final Duration SKEW = Duration.ofSeconds(60);

  private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);

  @Test
  void acceptsRs256SignedByAPemKey() {
    String token = rs256(claims().claim("groups", List.of("uploaders", "readers")));

    Verified verified = verifier(pem(RSA)).verify(token);

    assertEquals("alice", verified.name());
    assertEquals(Set.of("uploaders", "readers"), verified.groups());
    assertEquals(NOW.plusSeconds(300), verified.expires());
  }

  @Test
  void acceptsEs256SignedByTheJwkSetKeyItsKidNames() {
    String jwks = new JWKSet(List.of(ecJwk(OTHER_EC, "ec-old"), ecJwk(EC, "ec-1"))).toString();
    String token = sign(JWSAlgorithm.ES256, "ec-1", ecSigner(EC), claims().claim("groups", List.of("admins")));

    Verified verified = verifier(jwks).verify(token);

    assertEquals("alice", verified.name());
    assertEquals(Set.of("admins"), verified.groups());
  }

  @Test
  void theKidPicksTheKeyInAJwkSet() {
    String jwks = new JWKSet(List.of(ecJwk(OTHER_EC, "ec-old"), ecJwk(EC, "ec-1"))).toString();

    String namesTheOtherKey = sign(JWSAlgorithm.ES256, "ec-old", ecSigner(EC), claims());
    refused(verifier(jwks), namesTheOtherKey, "bad signature");
    String namesNoKey = sign(JWSAlgorithm.ES256, null, ecSigner(EC), claims());
    assertEquals("alice", verifier(jwks).verify(namesNoKey).name(), "without a kid, each EC key is tried");
  }

  @Test
  void aKeyWithoutKidVerifiesTokensWithAnyKid() {
    String token = sign(JWSAlgorithm.RS256, "some-kid", new RSASSASigner(RSA.getPrivate()), claims());

    assertEquals("alice", verifier(pem(RSA)).verify(token).name());
  }

  @Test
  void refusesAnExpiredToken() {
    String token = rs256(claims().expirationTime(date(NOW.minusSeconds(61))));

    refused(verifier(pem(RSA)), token, "token expired");
  }

  @Test
  void refusesATokenWithoutExpiry() {
    String token = rs256(claims().expirationTime(null));

    refused(verifier(pem(RSA)), token, "token has no expiry time");
  }

  @Test
  void refusesATokenNotYetValid() {
    refused(verifier(pem(RSA)), rs256(claims().notBeforeTime(date(NOW.plusSeconds(120)))), "token not yet valid");
    refused(verifier(pem(RSA)), rs256(claims().issueTime(date(NOW.plusSeconds(120)))), "token issued in the future");
  }

  @Test
  void toleratesClocksThatDisagreeByUpToTheSkew() {
    String token =
        rs256(claims().expirationTime(date(NOW.minusSeconds(30))).notBeforeTime(date(NOW.plusSeconds(30))).issueTime(date(NOW.plusSeconds(30))));

    assertEquals("alice", verifier(pem(RSA)).verify(token).name(), "within 60 s of skew");
    JwtVerifier strict = new JwtVerifier(new Settings(Settings.parseKeys(pem(RSA)), ISSUER, Set.of("depot"), Duration.ZERO), clock);
    refused(strict, token, "token expired");
    refused(strict, rs256(claims().expirationTime(date(NOW))), "token expired"); // RFC 7519: now must be before exp
  }

  @Test
  void refusesAWrongIssuer() {
    refused(verifier(pem(RSA)), rs256(claims().issuer("https://elsewhere.example")), "wrong issuer");
    refused(verifier(pem(RSA)), rs256(claims().issuer(null)), "wrong issuer");
  }

  @Test
  void anIssuerNotConfiguredIsNotChecked() {
    JwtVerifier anyIssuer = new JwtVerifier(Settings.of(pem(RSA), " ", "depot", SKEW), clock);

    assertEquals("alice", anyIssuer.verify(rs256(claims().issuer("https://elsewhere.example"))).name());
  }

  @Test
  void refusesAWrongAudienceAndAcceptsAnyConfiguredOne() {
    JwtVerifier verifier = new JwtVerifier(Settings.of(pem(RSA), ISSUER, " depot , depot-admin,", SKEW), clock);

    refused(verifier, rs256(claims().audience("other")), "wrong audience");
    refused(verifier, rs256(claims().audience((String) null)), "wrong audience");
    assertEquals("alice", verifier.verify(rs256(claims().audience(List.of("other", "depot-admin")))).name());
    JwtVerifier anyAudience = new JwtVerifier(Settings.of(pem(RSA), ISSUER, "", SKEW), clock);
    assertEquals("alice", anyAudience.verify(rs256(claims().audience("other"))).name());
  }

  @Test
  void refusesATokenSignedByAnotherKey() {
    refused(verifier(pem(RSA)), sign(JWSAlgorithm.RS256, null, new RSASSASigner(OTHER_RSA.getPrivate()), claims()), "bad signature");
    refused(verifier(pem(RSA)), sign(JWSAlgorithm.ES256, null, ecSigner(EC), claims()), "bad signature");
  }

  @Test
  void refusesATamperedPayload() {
    String[] parts = rs256(claims().claim("groups", List.of("readers"))).split("\\.");
    String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
    String promoted = payload.replace("\"readers\"", "\"admins\"");
    assertFalse(payload.equals(promoted));

    String tampered = parts[0] + "." + base64url(promoted) + "." + parts[2];

    refused(verifier(pem(RSA)), tampered, "bad signature");
  }

  @Test
  void refusesUnsecuredTokens() {
    long exp = NOW.plusSeconds(300).getEpochSecond();
    String payload = base64url("{\"upn\":\"alice\",\"iss\":\"" + ISSUER + "\",\"aud\":\"depot\",\"exp\":" + exp + "}");
    String none = base64url("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + payload + ".";

    refused(verifier(pem(RSA)), none, "unsupported algorithm");
    // Other spellings are no JWS algorithm nimbus knows; with or without a signature part they are refused too.
    for (String alg : List.of("none", "None", "NONE")) {
      for (String signature : List.of("", "AAAA")) {
        String token = base64url("{\"alg\":\"" + alg + "\"}") + "." + payload + "." + signature;
        InvalidTokenException e = assertThrows(InvalidTokenException.class, () -> verifier(pem(RSA)).verify(token), alg + "." + signature);
        assertTrue(Set.of("unsupported algorithm", "malformed token").contains(e.getMessage()), e.getMessage());
      }
    }
  }

  @Test
  void refusesHs256KeyedWithThePublicKey() throws JOSEException {
    // The classic algorithm confusion: a verifier that trusts the header would check this HMAC with the RSA key's bytes.
    for (byte[] secret : List.of(RSA.getPublic().getEncoded(), pem(RSA).getBytes(StandardCharsets.US_ASCII))) {
      String token = sign(JWSAlgorithm.HS256, null, new MACSigner(secret), claims());
      refused(verifier(pem(RSA)), token, "unsupported algorithm");
    }
  }

  @Test
  void refusesOtherSignatureAlgorithms() {
    KeyPair p384 = generate("EC", 384);
    ECKey p384Key = new ECKey.Builder(Curve.P_384, (ECPublicKey) p384.getPublic()).build();
    String es384 = sign(JWSAlgorithm.ES384, null, ecSigner(p384), claims());
    String rs512 = sign(JWSAlgorithm.RS512, null, new RSASSASigner(RSA.getPrivate()), claims());
    String ps256 = sign(JWSAlgorithm.PS256, null, new RSASSASigner(RSA.getPrivate()), claims());

    refused(verifier(pem(RSA)), rs512, "unsupported algorithm");
    refused(verifier(pem(RSA)), ps256, "unsupported algorithm");
    refused(verifier(pem(RSA)), es384, "unsupported algorithm");
    assertThrows(IllegalArgumentException.class, () -> Settings.parseKeys(p384Key.toJSONString()));
  }

  @Test
  void aTokenWithoutGroupsIsValidWithNoGroups() {
    assertEquals(Set.of(), verifier(pem(RSA)).verify(rs256(claims())).groups());
  }

  @Test
  void refusesGroupsThatAreNotAnArrayOfStrings() {
    refused(verifier(pem(RSA)), rs256(claims().claim("groups", "admins")), "malformed token: groups is not an array of strings");
    refused(verifier(pem(RSA)), rs256(claims().claim("groups", List.of(1, 2))), "malformed token: groups is not an array of strings");
  }

  @Test
  void namesTheCallerByUpnThenPreferredUsernameThenSub() {
    JwtVerifier verifier = verifier(pem(RSA));
    JWTClaimsSet.Builder all = claims().claim("upn", "upn-name").claim("preferred_username", "preferred-name").subject("sub-name");

    assertEquals("upn-name", verifier.verify(rs256(all)).name());
    assertEquals("preferred-name", verifier.verify(rs256(all.claim("upn", null))).name());
    assertEquals("sub-name", verifier.verify(rs256(all.claim("preferred_username", " "))).name(), "a blank name counts as none");
    refused(verifier, rs256(all.subject(null)), "token names no caller (no upn, preferred_username or sub)");
  }

  @Test
  void refusesGarbageTokens() {
    JwtVerifier verifier = verifier(pem(RSA));
    String longToken = rs256(claims().claim("padding", "x".repeat(20_000)));
    for (String garbage : new String[] {null, "", "abc", "a.b.c", "....", "eyJhbGciOiJSUzI1NiJ9.e30", "Bearer x.y.z", longToken}) {
      InvalidTokenException e = assertThrows(InvalidTokenException.class, () -> verifier.verify(garbage), String.valueOf(garbage));
      assertEquals("malformed token", e.getMessage(), String.valueOf(garbage));
    }
  }

  @Test
  void parseKeysReadsPemJwkAndJwkSetsAsMicroProfileDoes() {
    RSAKey rsa = new RSAKey.Builder((RSAPublicKey) RSA.getPublic()).keyID("rsa-1").build();
    ECKey ec = ecJwk(EC, "ec-1");
    String jwks = new JWKSet(List.of(rsa, ec)).toString();
    String pemBody = Base64.getEncoder().encodeToString(EC.getPublic().getEncoded());

    assertEquals(List.of(new RSAKey.Builder((RSAPublicKey) RSA.getPublic()).build()), Settings.parseKeys(pem(RSA)));
    assertEquals(List.of(ec), Settings.parseKeys(ec.toJSONString()));
    assertEquals(List.of(rsa, ec), Settings.parseKeys(jwks));
    assertEquals(List.of(rsa, ec), Settings.parseKeys(base64url(jwks)), "a base64url-encoded JWK set");
    assertEquals(List.of(ec), Settings.parseKeys(base64url(ec.toJSONString())), "a base64url-encoded JWK");
    assertEquals(List.of(ecJwk(EC, null)), Settings.parseKeys(pemBody), "a PEM key without its lines");
    assertEquals(2, Settings.parseKeys(pem(RSA) + "\n" + pem(EC)).size(), "several PEM blocks");
  }

  @Test
  void aJwkSetKeepsOnlyKeysThatCanVerifyRs256OrEs256() {
    RSAKey encryption = new RSAKey.Builder((RSAPublicKey) OTHER_RSA.getPublic()).keyUse(KeyUse.ENCRYPTION).keyID("enc").build();
    RSAKey ps256 = new RSAKey.Builder((RSAPublicKey) OTHER_RSA.getPublic()).algorithm(JWSAlgorithm.PS256).keyID("ps").build();
    ECKey p384 = new ECKey.Builder(Curve.P_384, (ECPublicKey) generate("EC", 384).getPublic()).keyID("p384").build();
    String okp = "{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo\",\"kid\":\"ed\"}";
    String members = String.join(",", encryption.toJSONString(), ps256.toJSONString(), p384.toJSONString(), okp, ecJwk(EC, "ec-1").toJSONString());
    String jwks = "{\"keys\":[" + members + "]}";

    List<JWK> keys = Settings.parseKeys(jwks);

    assertEquals(List.of("ec-1"), keys.stream().map(JWK::getKeyID).toList());
  }

  @Test
  void parseKeysRefusesGarbageWithoutQuotingIt() {
    RSAKey privateJwk = new RSAKey.Builder((RSAPublicKey) RSA.getPublic()).privateKey(RSA.getPrivate()).build();
    String privatePem =
        "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder().encodeToString(RSA.getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----";
    String weakRsa = pem(generate("RSA", 1024));
    String[] garbage = {
      null, "", "  ", "hello world", "{not json", "{\"kty\":\"RSA\"}", "{\"keys\":[]}", "{\"keys\":\"x\"}",
      "{\"keys\":[{\"kty\":\"RSA\",\"n\":\"AQAB\"}]}",
      "-----BEGIN PUBLIC KEY-----\nnot base64!\n-----END PUBLIC KEY-----", "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----",
      "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----", "-----BEGIN PUBLIC KEY-----", privatePem, privateJwk.toJSONString(),
      "{\"keys\":[" + privateJwk.toJSONString() + "]}", weakRsa,
      new ECKey.Builder(Curve.P_384, (ECPublicKey) generate("EC", 384).getPublic()).build().toJSONString()
    };
    for (String text : garbage) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Settings.parseKeys(text), String.valueOf(text));
      assertFalse(e.getMessage().isBlank());
      if (text != null && text.length() > 20) {
        for (String line : text.split("\n")) { // the PEM armour lines may be named; the key's lines may not
          assertFalse(line.length() > 12 && !line.startsWith("-----") && e.getMessage().contains(line), "message quotes the key: " + e.getMessage());
        }
      }
    }
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Settings.parseKeys(privatePem)).getMessage().contains("PRIVATE KEY"));
    String privateJwkText = privateJwk.toJSONString();
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Settings.parseKeys(privateJwkText)).getMessage().contains("private key"));
  }

  @Test
  void settingsOfReadsConfigurationText() {
    Settings settings = Settings.of(pem(EC), "", " a, b ,,", Duration.ofSeconds(5));

    assertNull(settings.issuer());
    assertEquals(Set.of("a", "b"), settings.audiences());
    assertEquals(Duration.ofSeconds(5), settings.clockSkew());
    assertEquals(Set.of(), Settings.of(pem(EC), ISSUER, null, SKEW).audiences());
    assertThrows(IllegalArgumentException.class, () -> Settings.of(pem(EC), ISSUER, "", Duration.ofSeconds(-1)));
    assertThrows(IllegalArgumentException.class, () -> new Settings(List.of(), ISSUER, Set.of(), SKEW));
  }

  // --- helpers

  private JwtVerifier verifier(String keyText) {
    return new JwtVerifier(Settings.of(keyText, ISSUER, "depot", SKEW), clock);
  }

  /** Asserts the exact message, which therefore cannot quote the token. */
  private static void refused(JwtVerifier verifier, String token, String message) {
    InvalidTokenException e = assertThrows(InvalidTokenException.class, () -> verifier.verify(token));
    assertEquals(message, e.getMessage());
    assertNull(e.getCause(), "no cause: parser messages may quote the token");
  }

  private static JWTClaimsSet.Builder claims() {
    return new JWTClaimsSet.Builder()
        .issuer(ISSUER)
        .audience("depot")
        .claim("upn", "alice")
        .subject("user-1")
        .issueTime(date(NOW.minusSeconds(10)))
        .expirationTime(date(NOW.plusSeconds(300)));
  }

  private static String rs256(JWTClaimsSet.Builder claims) {
    return sign(JWSAlgorithm.RS256, null, new RSASSASigner(RSA.getPrivate()), claims);
  }

  private static String sign(JWSAlgorithm algorithm, String kid, JWSSigner signer, JWTClaimsSet.Builder claims) {
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(algorithm).keyID(kid).build(), claims.build());
    try {
      jwt.sign(signer);
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
    return jwt.serialize();
  }

  private static ECDSASigner ecSigner(KeyPair pair) {
    try {
      return new ECDSASigner((ECPrivateKey) pair.getPrivate());
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  private static ECKey ecJwk(KeyPair pair, String kid) {
    return new ECKey.Builder(Curve.P_256, (ECPublicKey) pair.getPublic()).keyID(kid).build();
  }

  private static String pem(KeyPair pair) {
    String body = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(pair.getPublic().getEncoded());
    return "-----BEGIN PUBLIC KEY-----\n" + body + "\n-----END PUBLIC KEY-----\n";
  }

  private static String base64url(String text) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  private static Date date(Instant instant) {
    return Date.from(instant);
  }

  /** RSA of {@code size} bits, or EC on P-256 ({@code size} 0) or P-384 ({@code size} 384). */
  private static KeyPair generate(String algorithm, int size) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
      if (algorithm.equals("EC")) {
        generator.initialize(new ECGenParameterSpec(size == 384 ? "secp384r1" : "secp256r1"));
      } else {
        generator.initialize(size);
      }
      return generator.generateKeyPair();
    } catch (NoSuchAlgorithmException | java.security.InvalidAlgorithmParameterException e) {
      throw new IllegalStateException(e);
    }
  }
}
