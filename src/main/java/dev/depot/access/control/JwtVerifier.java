package dev.depot.access.control;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.SignedJWT;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Verifies bearer tokens shaped as MicroProfile JWT 2.1 defines them (signed JWTs naming the caller in
 * {@code upn}, {@code preferred_username} or {@code sub}, with roles in {@code groups}) and says who is
 * asking. Depot checks tokens itself, on nimbus-jose-jwt, rather than switching on each server's
 * MP-JWT: Payara and WildFly activate and configure it differently, and one code path can be unit
 * tested without either (issue 13).
 *
 * <p>Only RS256 and ES256 are accepted, whatever the token's header asks for. The header is written by
 * whoever sends the token, so honouring it would let them choose {@code none}, or HS256 keyed with the
 * (public) verification key: the algorithm-confusion attacks of RFC 8725 §2.1 and §3.1. Every failure is
 * an {@link InvalidTokenException} whose message is short and safe to send to the client; on purpose it
 * carries no cause, since parser messages may quote parts of the token.
 */
public final class JwtVerifier {

  /** The algorithms Depot accepts, each tied to one key type: RS256 to RSA keys, ES256 to EC P-256 keys. */
  static final Set<JWSAlgorithm> ACCEPTED = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256);

  /** Far above any real token (a few KiB); only there so that a client cannot make Depot parse megabytes of JSON. */
  private static final int MAX_TOKEN_LENGTH = 16 * 1024;

  private final Settings settings;
  private final Clock clock;
  private final List<Candidate> candidates = new ArrayList<>();

  /** What a verified token says: the caller's name, its groups (possibly none) and when the token expires. */
  public record Verified(String name, Set<String> groups, Instant expires) {}

  /**
   * How tokens are checked, as MicroProfile JWT configures it: {@code keys} ({@code
   * mp.jwt.verify.publickey} or the file at {@code mp.jwt.verify.publickey.location}, see {@link
   * #parseKeys}), {@code issuer} ({@code mp.jwt.verify.issuer}; null = not checked), {@code audiences}
   * ({@code mp.jwt.verify.audiences}; empty = not checked: a token is accepted if it names any one of
   * them) and {@code clockSkew} ({@code mp.jwt.verify.clock.skew}, MicroProfile's default is 60 s),
   * the leeway given to {@code exp}, {@code nbf} and {@code iat} for clocks that disagree.
   */
  public record Settings(List<JWK> keys, String issuer, Set<String> audiences, Duration clockSkew) {

    public Settings {
      keys = List.copyOf(keys);
      audiences = Set.copyOf(audiences);
      Objects.requireNonNull(clockSkew, "clockSkew");
      if (keys.isEmpty()) {
        throw new IllegalArgumentException("no token verification key configured");
      }
      for (int i = 0; i < keys.size(); i++) {
        String unusable = VerificationKeys.unusable(keys.get(i));
        if (unusable != null) {
          throw new IllegalArgumentException("token verification key " + (i + 1) + " " + unusable);
        }
      }
      if (clockSkew.isNegative()) {
        throw new IllegalArgumentException("the clock skew must not be negative");
      }
    }

    /**
     * Settings from configuration text: a blank issuer is not checked, the audiences are comma-separated
     * (blank = not checked).
     *
     * @throws IllegalArgumentException if the key text holds no usable key (see {@link #parseKeys})
     */
    public static Settings of(String keyText, String issuer, String audiencesCsv, Duration clockSkew) {
      Set<String> audiences =
          audiencesCsv == null
              ? Set.of()
              : Arrays.stream(audiencesCsv.split(",")).map(String::strip).filter(a -> !a.isEmpty()).collect(Collectors.toSet());
      return new Settings(parseKeys(keyText), issuer == null || issuer.isBlank() ? null : issuer.strip(), audiences, clockSkew);
    }

    /**
     * Reads the key formats MicroProfile JWT accepts: a PEM public key ({@code -----BEGIN PUBLIC
     * KEY-----}, RSA of at least 2048 bits or EC P-256; the lines may be left out), a JWK, or a JWK set
     * {@code {"keys":[...]}}, the JSON forms also base64url-encoded. From a JWK set, keys that cannot
     * verify RS256 or ES256 (encryption keys, other curves) are skipped, since identity providers
     * publish those side by side; a single key that cannot is refused.
     *
     * @throws IllegalArgumentException with a message naming the problem (never quoting the key) if
     *     the text holds no usable key or holds a private key
     */
    public static List<JWK> parseKeys(String text) {
      return VerificationKeys.parse(text);
    }
  }

  /**
   * A token Depot does not accept. The message says briefly why, for the client (a 401 problem detail);
   * it never contains the token or key material.
   */
  public static final class InvalidTokenException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    InvalidTokenException(String message) {
      super(message);
    }
  }

  /** One configured key, ready to check signatures of its one algorithm. */
  private record Candidate(String kid, JWSAlgorithm algorithm, JWSVerifier verifier) {}

  public JwtVerifier(Settings settings) {
    this(settings, Clock.systemUTC());
  }

  public JwtVerifier(Settings settings, Clock clock) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.clock = Objects.requireNonNull(clock, "clock");
    for (JWK key : settings.keys()) {
      try {
        JWSVerifier verifier = key instanceof RSAKey rsa ? new RSASSAVerifier(rsa) : new ECDSAVerifier((ECKey) key);
        candidates.add(new Candidate(key.getKeyID(), VerificationKeys.algorithm(key), verifier));
      } catch (JOSEException e) {
        throw new IllegalArgumentException("token verification key " + (candidates.size() + 1) + " cannot verify signatures");
      }
    }
  }

  /**
   * @param token the compact JWT, without the {@code Bearer } prefix
   * @throws InvalidTokenException if the token is not accepted
   */
  public Verified verify(String token) {
    SignedJWT jwt = parse(token);
    if (!signedByConfiguredKey(jwt)) {
      throw new InvalidTokenException("bad signature");
    }
    JWTClaimsSet claims;
    try {
      claims = jwt.getJWTClaimsSet();
    } catch (ParseException e) {
      throw new InvalidTokenException("malformed token");
    }
    Instant expires = checkTimes(claims);
    if (settings.issuer() != null && !settings.issuer().equals(claims.getIssuer())) {
      throw new InvalidTokenException("wrong issuer");
    }
    if (!settings.audiences().isEmpty() && Collections.disjoint(settings.audiences(), claims.getAudience())) {
      throw new InvalidTokenException("wrong audience");
    }
    return new Verified(name(claims), groups(claims), expires);
  }

  private static SignedJWT parse(String token) {
    if (token == null || token.isEmpty() || token.length() > MAX_TOKEN_LENGTH) {
      throw new InvalidTokenException("malformed token");
    }
    JWT jwt;
    try {
      jwt = JWTParser.parse(token);
    } catch (ParseException | RuntimeException e) { // untrusted input: whatever the parser trips on is a malformed token
      throw new InvalidTokenException("malformed token");
    }
    // An unsecured ("alg":"none") token parses as a PlainJWT, an encrypted one as an EncryptedJWT.
    if (!(jwt instanceof SignedJWT signed) || !ACCEPTED.contains(signed.getHeader().getAlgorithm())) {
      throw new InvalidTokenException("unsupported algorithm");
    }
    JWSHeader header = signed.getHeader();
    if (header.getCriticalParams() != null && !header.getCriticalParams().isEmpty()) {
      throw new InvalidTokenException("unsupported critical header parameter");
    }
    return signed;
  }

  /**
   * Tries the keys for the token's algorithm: with a {@code kid} in the token, those with the same
   * {@code kid} and those that have none (a PEM key has none); without one, all of them.
   */
  private boolean signedByConfiguredKey(SignedJWT jwt) {
    JWSHeader header = jwt.getHeader();
    String kid = header.getKeyID();
    for (Candidate candidate : candidates) {
      if (!candidate.algorithm().equals(header.getAlgorithm()) || kid != null && candidate.kid() != null && !kid.equals(candidate.kid())) {
        continue;
      }
      try {
        if (jwt.verify(candidate.verifier())) {
          return true;
        }
      } catch (JOSEException | RuntimeException e) { // e.g. a signature of the wrong length: not made by this key
        // try the next key
      }
    }
    return false;
  }

  /** Checks {@code exp} (required), {@code nbf} and {@code iat}, each with the clock skew; returns the expiry. */
  private Instant checkTimes(JWTClaimsSet claims) {
    Instant now = clock.instant();
    Duration skew = settings.clockSkew();
    if (claims.getExpirationTime() == null) {
      throw new InvalidTokenException("token has no expiry time");
    }
    Instant expires = claims.getExpirationTime().toInstant();
    if (!now.isBefore(expires.plus(skew))) { // RFC 7519 §4.1.4: now must be before exp
      throw new InvalidTokenException("token expired");
    }
    if (claims.getNotBeforeTime() != null && now.plus(skew).isBefore(claims.getNotBeforeTime().toInstant())) {
      throw new InvalidTokenException("token not yet valid");
    }
    if (claims.getIssueTime() != null && now.plus(skew).isBefore(claims.getIssueTime().toInstant())) {
      throw new InvalidTokenException("token issued in the future");
    }
    return expires;
  }

  /** MicroProfile JWT 2.1 §4.1: {@code upn}, else {@code preferred_username}, else {@code sub}. */
  private static String name(JWTClaimsSet claims) {
    for (String claim : List.of("upn", "preferred_username", "sub")) {
      String value;
      try {
        value = claims.getStringClaim(claim);
      } catch (ParseException e) {
        throw new InvalidTokenException("malformed token: " + claim + " is not a string");
      }
      if (value != null && !value.isBlank()) {
        return value;
      }
    }
    throw new InvalidTokenException("token names no caller (no upn, preferred_username or sub)");
  }

  /** The {@code groups} claim; a token without it is valid and its caller is in no group. */
  private static Set<String> groups(JWTClaimsSet claims) {
    List<String> groups;
    try {
      groups = claims.getStringListClaim("groups");
    } catch (ParseException e) {
      throw new InvalidTokenException("malformed token: groups is not an array of strings");
    }
    if (groups == null) {
      return Set.of();
    }
    if (groups.contains(null)) {
      throw new InvalidTokenException("malformed token: groups is not an array of strings");
    }
    return Set.copyOf(groups);
  }
}
