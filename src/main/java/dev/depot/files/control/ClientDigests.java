package dev.depot.files.control;

import dev.depot.problem.DepotException;
import dev.depot.problem.Problem;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Digests a client sent with a body, to be checked against what Depot received: RFC 9530 {@code
 * Repr-Digest} and {@code Content-Digest} ({@code sha-256=:base64:}, also {@code sha-512}) and RFC 1864
 * {@code Content-MD5}. Depot stores bytes exactly as received (no content coding is undone), so both
 * Digest fields describe the same bytes as the stored file.
 *
 * <p>SHA-256 is computed by the storage engine anyway; MD5 and SHA-512 are computed only when a client
 * sent them, in the same pass (the body stream is wrapped). Algorithms Depot does not know are ignored,
 * as RFC 9530 §5 allows; a known one with a malformed value is an {@link DepotException} ({@code INVALID_DIGEST}).
 */
public final class ClientDigests {

  /** No digest sent. */
  public static final ClientDigests NONE = new ClientDigests(List.of());

  /** RFC 9530 algorithm keys Depot verifies, with their Java names. */
  private static final Map<String, String> ALGORITHMS = Map.of("sha-256", "SHA-256", "sha-512", "SHA-512");

  private final List<Expected> expected;

  /** One digest the client sent: its algorithm (Java name), value and where it came from. */
  private record Expected(String algorithm, byte[] value, String header) {}

  private ClientDigests(List<Expected> expected) {
    this.expected = List.copyOf(expected);
  }

  /**
   * Reads the digest headers of a request or of a multipart part; any of them may be null.
   *
   * @throws DepotException INVALID_DIGEST if a header names a known algorithm with a malformed value
   */
  public static ClientDigests fromHeaders(String reprDigest, String contentDigest, String contentMd5) {
    List<Expected> expected = new ArrayList<>();
    dictionary(reprDigest, "Repr-Digest", expected);
    dictionary(contentDigest, "Content-Digest", expected);
    if (contentMd5 != null && !contentMd5.isBlank()) {
      expected.add(new Expected("MD5", decode(contentMd5.trim(), 16, "Content-MD5"), "Content-MD5"));
    }
    return expected.isEmpty() ? NONE : new ClientDigests(expected);
  }

  public boolean isEmpty() {
    return expected.isEmpty();
  }

  /** The digests to compute beside SHA-256 (which the storage engine computes anyway), then compare. */
  public Verifier verifier() {
    return new Verifier();
  }

  /** Computes what is needed while the body is stored, then compares. */
  public final class Verifier {
    private final Map<String, MessageDigest> computed = new LinkedHashMap<>();

    private Verifier() {
      for (Expected e : expected) {
        if (!e.algorithm().equals("SHA-256") && !computed.containsKey(e.algorithm())) {
          computed.put(e.algorithm(), messageDigest(e.algorithm()));
        }
      }
    }

    /** The digests to update with every byte of the body (in the storage engine's hashing pass). */
    public List<MessageDigest> digests() {
      return List.copyOf(computed.values());
    }

    /**
     * Compares every digest the client sent with what was read.
     *
     * @param sha256Hex the SHA-256 of the bytes read, lowercase hex
     * @throws DepotException DIGEST_MISMATCH on the first digest that differs
     */
    public void verify(String sha256Hex) {
      Map<String, byte[]> actual = new LinkedHashMap<>();
      actual.put("SHA-256", HexFormat.of().parseHex(sha256Hex));
      computed.forEach((algorithm, md) -> actual.put(algorithm, md.digest()));
      for (Expected e : expected) {
        if (!MessageDigest.isEqual(e.value(), actual.get(e.algorithm()))) {
          throw new DepotException(Problem.DIGEST_MISMATCH, 
              "The " + e.algorithm() + " of the received bytes does not match the " + e.header()
                  + " header; nothing was stored.");
        }
      }
    }
  }

  /** An RFC 8941 dictionary of byte sequences, e.g. {@code sha-256=:X48E9q…=:, sha-512=:…:}. */
  private static void dictionary(String header, String name, List<Expected> out) {
    if (header == null || header.isBlank()) {
      return;
    }
    for (String member : header.split(",")) {
      String m = member.trim();
      int eq = m.indexOf('=');
      if (eq <= 0) {
        throw new DepotException(Problem.INVALID_DIGEST, "The " + name + " header is not a list of algorithm=:base64: entries.");
      }
      String key = m.substring(0, eq).trim().toLowerCase(Locale.ROOT);
      String value = m.substring(eq + 1).trim();
      int params = value.indexOf(';');
      if (params >= 0) {
        value = value.substring(0, params).trim(); // parameters carry nothing Depot uses
      }
      String algorithm = ALGORITHMS.get(key);
      if (algorithm == null) {
        continue; // RFC 9530 §5: unknown algorithms may be ignored
      }
      if (value.length() < 2 || value.charAt(0) != ':' || value.charAt(value.length() - 1) != ':') {
        throw new DepotException(Problem.INVALID_DIGEST, "The " + name + " " + key + " value must be a byte sequence, :base64:.");
      }
      int length = messageDigest(algorithm).getDigestLength();
      out.add(new Expected(algorithm, decode(value.substring(1, value.length() - 1), length, name), name));
    }
  }

  private static byte[] decode(String base64, int length, String name) {
    byte[] value;
    try {
      value = Base64.getDecoder().decode(base64);
    } catch (IllegalArgumentException e) {
      throw new DepotException(Problem.INVALID_DIGEST, "The " + name + " value is not base64.", e);
    }
    if (value.length != length) {
      throw new DepotException(Problem.INVALID_DIGEST, "The " + name + " value has " + value.length + " bytes, not " + length + ".");
    }
    return value;
  }

  private static MessageDigest messageDigest(String algorithm) {
    try {
      return MessageDigest.getInstance(algorithm);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has " + algorithm, e);
    }
  }
}
