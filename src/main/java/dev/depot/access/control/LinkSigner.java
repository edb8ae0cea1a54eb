package dev.depot.access.control;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs and checks links that let whoever holds them do one thing (GET or PUT one path, up to a size,
 * until a time) without a token, like S3 presigned URLs. The signature is an HMAC-SHA-256 over a
 * canonical string of everything the link grants, so changing any of it (path, method, expiry, size
 * limit, or who issued it) breaks the signature.
 *
 * <p>The canonical string is {@code depot-link-1}, the method, the path, the expiry in epoch seconds,
 * the size limit (empty if none) and the issuer, joined with {@code '\n'}. None of the fields may
 * contain {@code '\n'}: otherwise line feeds in the path and the issuer could shift the fields between
 * them, and two different links would share one canonical string, so one signature (path {@code
 * "a\n100\n"}, expiry 200, issuer {@code "x"} reads the same as path {@code "a"}, expiry 100, issuer
 * {@code "200\n\nx"}). Method, expiry and size cannot hold one; path and issuer are refused if they do.
 * The version in front keeps a later format from ever verifying against this one.
 *
 * <p>Several keys may be configured: the first signs, all verify, so a key is rotated by putting the new
 * one first and keeping the old one second until the links it signed have expired.
 */
public final class LinkSigner {

  /** Shorter HMAC keys than the hash's output weaken it (RFC 2104 §3); 32 bytes = 256 bits. */
  static final int MIN_KEY_BYTES = 32;

  private static final String VERSION = "depot-link-1";
  private static final String ALGORITHM = "HmacSHA256";
  private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

  private final List<SecretKeySpec> keys = new ArrayList<>();

  /**
   * What a link grants: {@code method} GET or PUT on {@code path} (the stored key, already normalised by
   * the caller) until {@code expires}, a PUT of at most {@code maxSize} bytes (null = no limit of the
   * link's own), on the authority of {@code issuer}, the principal who made it.
   */
  public record Link(String method, String path, Instant expires, Long maxSize, String issuer) {}

  /** @param keys the secrets, the signing key first; each at least 32 bytes */
  public LinkSigner(List<byte[]> keys) {
    if (keys.isEmpty()) {
      throw new IllegalArgumentException("no link signing key configured");
    }
    for (int i = 0; i < keys.size(); i++) {
      if (keys.get(i).length < MIN_KEY_BYTES) {
        throw new IllegalArgumentException("link key " + (i + 1) + " is shorter than " + MIN_KEY_BYTES + " bytes");
      }
      this.keys.add(new SecretKeySpec(keys.get(i), ALGORITHM));
    }
  }

  /**
   * Reads comma-separated keys, each {@code base64:} followed by standard base64, or else taken as
   * plain text in UTF-8 (which therefore cannot contain a comma; spaces around each entry are dropped).
   * Each must be at least 32 bytes.
   *
   * @throws IllegalArgumentException naming the entry by position, never by value
   */
  public static List<byte[]> parseKeys(String csv) {
    if (csv == null || csv.isBlank()) {
      throw new IllegalArgumentException("no link key given");
    }
    List<byte[]> keys = new ArrayList<>();
    String[] entries = csv.split(",", -1);
    for (int i = 0; i < entries.length; i++) {
      String entry = entries[i].strip();
      String name = "link key " + (i + 1);
      byte[] key;
      if (entry.startsWith("base64:")) {
        try {
          key = Base64.getDecoder().decode(entry.substring("base64:".length()));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(name + " is not valid base64");
        }
      } else {
        key = entry.getBytes(StandardCharsets.UTF_8);
      }
      if (key.length < MIN_KEY_BYTES) {
        throw new IllegalArgumentException(name + " has " + key.length + " bytes; at least " + MIN_KEY_BYTES + " are needed");
      }
      keys.add(key);
    }
    return keys;
  }

  /**
   * @return the signature, base64url without padding (43 characters)
   * @throws IllegalArgumentException if the method is not GET or PUT, a field is missing or contains
   *     {@code '\n'}, or the size limit is negative
   */
  public String sign(Link link) {
    String invalid = invalid(link);
    if (invalid != null) {
      throw new IllegalArgumentException(invalid);
    }
    return ENCODER.encodeToString(mac(keys.get(0), canonical(link)));
  }

  /**
   * @return true only if the link has not expired at {@code now} and one of the keys made {@code
   *     signature} for exactly this link; false for anything a client could have sent wrong
   */
  public boolean verify(Link link, String signature, Instant now) {
    if (invalid(link) != null || signature == null || now.isAfter(link.expires())) {
      return false;
    }
    byte[] presented;
    try {
      presented = Base64.getUrlDecoder().decode(signature);
    } catch (IllegalArgumentException e) {
      return false;
    }
    // Only the one spelling sign() makes: the decoder ignores the last character's unused bits and
    // accepts padding, so several strings would otherwise pass for one signature.
    if (!ENCODER.encodeToString(presented).equals(signature)) {
      return false;
    }
    byte[] canonical = canonical(link);
    for (SecretKeySpec key : keys) {
      if (MessageDigest.isEqual(mac(key, canonical), presented)) { // constant time: no byte-by-byte guessing
        return true;
      }
    }
    return false;
  }

  /** Why the link cannot be signed, or null if it can. */
  private static String invalid(Link link) {
    Objects.requireNonNull(link, "link");
    if (!"GET".equals(link.method()) && !"PUT".equals(link.method())) {
      return "a link's method is GET or PUT";
    }
    if (link.path() == null || link.expires() == null || link.issuer() == null) {
      return "a link needs a path, an expiry and an issuer";
    }
    if (link.maxSize() != null && link.maxSize() < 0) {
      return "a link's size limit must not be negative";
    }
    if (link.path().indexOf('\n') >= 0 || link.issuer().indexOf('\n') >= 0) {
      return "a link's path and issuer must not contain a line feed";
    }
    return null;
  }

  private static byte[] canonical(Link link) {
    String maxSize = link.maxSize() == null ? "" : link.maxSize().toString();
    String text = String.join("\n", VERSION, link.method(), link.path(), Long.toString(link.expires().getEpochSecond()), maxSize, link.issuer());
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] mac(SecretKeySpec key, byte[] data) {
    try {
      Mac mac = Mac.getInstance(ALGORITHM); // per call: a Mac is not thread-safe
      mac.init(key);
      return mac.doFinal(data);
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HMAC-SHA-256 unavailable", e);
    }
  }
}
