package dev.depot.access.control;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.JSONObjectUtils;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.X509EncodedKeySpec;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads token verification keys from configuration text, in the formats MicroProfile JWT accepts for
 * {@code mp.jwt.verify.publickey}, for {@link JwtVerifier.Settings#parseKeys}. Its own class because
 * four formats and their refusals would double the size of {@link JwtVerifier}. PEM is decoded with the
 * JDK's {@code KeyFactory}: nimbus's own PEM reader needs BouncyCastle, which Depot does not bundle.
 * Messages name the key by position (and the format problem), never by content: a misconfigured
 * private key must not end up in a log.
 */
final class VerificationKeys {

  private static final String FORMATS = "expected a PEM public key, a JWK or a JWK set {\"keys\":[...]}";

  /** A PEM block; its label is reported when it is not a public key (e.g. a certificate or a private key). */
  private static final Pattern PEM = Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----([^-]*)-----END \\1-----");

  private VerificationKeys() {}

  static List<JWK> parse(String text) {
    String t = text == null ? "" : text.strip();
    if (t.isEmpty()) {
      throw new IllegalArgumentException("no token verification key given: " + FORMATS);
    }
    if (t.startsWith("{")) {
      return fromJson(t);
    }
    if (t.startsWith("-----")) {
      return fromPem(t);
    }
    // MicroProfile JWT also takes a base64url-encoded JWK or JWK set, and a PEM key without its lines.
    byte[] bytes = base64(t, "not a token verification key: " + FORMATS);
    if (bytes.length > 0 && bytes[0] == '{') {
      return fromJson(new String(bytes, StandardCharsets.UTF_8));
    }
    return List.of(fromDer(bytes, "the key"));
  }

  /** Why the key cannot verify RS256 or ES256 signatures for Depot ("is …"), or null if it can. */
  static String unusable(JWK key) {
    if (key.isPrivate()) {
      return "is a private key: configure the public key only";
    }
    if (key instanceof RSAKey rsa && rsa.size() < 2048) {
      return "is an RSA key shorter than 2048 bits";
    }
    if (key instanceof ECKey ec && !Curve.P_256.equals(ec.getCurve())) {
      return "is an EC key on a curve other than P-256 (ES256 needs P-256)";
    }
    if (!(key instanceof RSAKey) && !(key instanceof ECKey)) {
      return "is a " + key.getKeyType() + " key; only RSA (RS256) and EC P-256 (ES256) keys are accepted";
    }
    if (key.getKeyUse() != null && !KeyUse.SIGNATURE.equals(key.getKeyUse())) {
      return "is not a signature key (use " + key.getKeyUse().identifier() + ")";
    }
    if (key.getAlgorithm() != null && !key.getAlgorithm().equals(algorithm(key))) {
      return "is for algorithm " + key.getAlgorithm() + ", not " + algorithm(key);
    }
    return null;
  }

  /** The one algorithm Depot verifies with a key of this type. */
  static JWSAlgorithm algorithm(JWK key) {
    return key instanceof RSAKey ? JWSAlgorithm.RS256 : JWSAlgorithm.ES256;
  }

  private static List<JWK> fromJson(String json) {
    Map<String, Object> object;
    try {
      object = JSONObjectUtils.parse(json);
    } catch (ParseException e) {
      throw new IllegalArgumentException("token verification key is not valid JSON: " + FORMATS);
    }
    if (!object.containsKey("keys")) {
      JWK key = jwk(object, "the JWK");
      String unusable = unusable(key);
      if (unusable != null) {
        throw new IllegalArgumentException("the JWK " + unusable);
      }
      return List.of(key);
    }
    List<Object> entries;
    try {
      entries = JSONObjectUtils.getJSONArray(object, "keys");
    } catch (ParseException e) {
      throw new IllegalArgumentException("the JWK set's \"keys\" is not an array");
    }
    List<JWK> keys = new ArrayList<>();
    for (int i = 0; i < entries.size(); i++) {
      String name = "key " + (i + 1) + " of the JWK set";
      if (!(entries.get(i) instanceof Map<?, ?> entry)) {
        throw new IllegalArgumentException(name + " is not a JSON object");
      }
      if (!"RSA".equals(entry.get("kty")) && !"EC".equals(entry.get("kty"))) {
        continue; // e.g. an OKP or symmetric key an identity provider publishes for something else
      }
      @SuppressWarnings("unchecked")
      JWK key = jwk((Map<String, Object>) entry, name);
      String unusable = unusable(key);
      if (key.isPrivate()) {
        throw new IllegalArgumentException(name + " " + unusable);
      }
      if (unusable == null) {
        keys.add(key);
      }
    }
    if (keys.isEmpty()) {
      throw new IllegalArgumentException("the JWK set has no RSA (RS256) or EC P-256 (ES256) signature key");
    }
    return List.copyOf(keys);
  }

  private static JWK jwk(Map<String, Object> object, String name) {
    try {
      return JWK.parse(object);
    } catch (ParseException | RuntimeException e) { // nimbus's message may quote key members: not repeated
      throw new IllegalArgumentException(name + " is not a valid JWK");
    }
  }

  private static List<JWK> fromPem(String text) {
    List<JWK> keys = new ArrayList<>();
    Matcher m = PEM.matcher(text);
    while (m.find()) {
      String name = "PEM block " + (keys.size() + 1);
      if (!m.group(1).equals("PUBLIC KEY")) {
        throw new IllegalArgumentException(name + " is a '" + m.group(1) + "'; only '-----BEGIN PUBLIC KEY-----' is accepted");
      }
      keys.add(fromDer(base64(m.group(2), name + " is not valid base64"), name));
    }
    if (keys.isEmpty()) {
      throw new IllegalArgumentException("malformed PEM: no '-----BEGIN PUBLIC KEY-----' ... '-----END PUBLIC KEY-----' block");
    }
    return List.copyOf(keys);
  }

  /** An X.509 SubjectPublicKeyInfo, RSA or EC: the body of a {@code PUBLIC KEY} PEM block. */
  private static JWK fromDer(byte[] der, String name) {
    for (String algorithm : List.of("RSA", "EC")) {
      PublicKey key;
      try {
        key = KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(der));
      } catch (InvalidKeySpecException e) {
        continue;
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("this JVM has no " + algorithm + " key factory", e);
      }
      JWK jwk = toJwk(key, name);
      String unusable = unusable(jwk);
      if (unusable != null) {
        throw new IllegalArgumentException(name + " " + unusable);
      }
      return jwk;
    }
    throw new IllegalArgumentException(name + " is not an RSA or EC public key");
  }

  private static JWK toJwk(PublicKey key, String name) {
    if (key instanceof RSAPublicKey rsa) {
      return new RSAKey.Builder(rsa).build();
    }
    ECPublicKey ec = (ECPublicKey) key;
    Curve curve = Curve.forECParameterSpec(ec.getParams());
    if (!Curve.P_256.equals(curve)) {
      throw new IllegalArgumentException(name + " is an EC key on a curve other than P-256 (ES256 needs P-256)");
    }
    return new ECKey.Builder(curve, ec).build();
  }

  /** Standard or URL-safe base64, with or without padding and line breaks. */
  private static byte[] base64(String text, String failure) {
    try {
      return Base64.getDecoder().decode(text.replaceAll("\\s", "").replace('-', '+').replace('_', '/'));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(failure);
    }
  }
}
