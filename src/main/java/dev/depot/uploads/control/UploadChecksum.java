package dev.depot.uploads.control;

import dev.depot.problem.DepotException;
import dev.depot.problem.Problem;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Map;

/**
 * The tus checksum extension's {@code Upload-Checksum: <algorithm> <Base64 digest>} of one PATCH's
 * bytes: {@code sha1} (the one the protocol requires), {@code md5} and {@code sha256}. A chunk whose
 * digest differs is refused with 460 and not kept.
 */
public final class UploadChecksum {

  /** The algorithms offered in {@code Tus-Checksum-Algorithm}, by their tus names. */
  public static final Map<String, String> ALGORITHMS = Map.of("sha1", "SHA-1", "md5", "MD5", "sha256", "SHA-256");

  /** The {@code Tus-Checksum-Algorithm} value. */
  public static final String OFFERED = "sha1,md5,sha256";

  private final MessageDigest digest;
  private final byte[] expected;

  private UploadChecksum(MessageDigest digest, byte[] expected) {
    this.digest = digest;
    this.expected = expected;
  }

  /**
   * @return null when {@code header} is null
   * @throws DepotException INVALID_PARAMETER for a malformed header or an algorithm not offered
   */
  public static UploadChecksum parse(String header) {
    if (header == null) {
      return null;
    }
    String[] parts = header.strip().split(" ", -1);
    if (parts.length != 2) {
      throw new DepotException(Problem.INVALID_PARAMETER, "Upload-Checksum must be an algorithm and a Base64 digest.");
    }
    String algorithm = ALGORITHMS.get(parts[0]);
    if (algorithm == null) {
      throw new DepotException(Problem.INVALID_PARAMETER, "Upload-Checksum algorithm '" + parts[0] + "' is not one of " + OFFERED + ".");
    }
    byte[] expected;
    try {
      expected = Base64.getDecoder().decode(parts[1]);
    } catch (IllegalArgumentException e) {
      throw new DepotException(Problem.INVALID_PARAMETER, "The Upload-Checksum digest is not Base64.");
    }
    try {
      MessageDigest digest = MessageDigest.getInstance(algorithm);
      if (expected.length != digest.getDigestLength()) {
        throw new DepotException(Problem.INVALID_PARAMETER, "The Upload-Checksum digest has the wrong length for " + parts[0] + ".");
      }
      return new UploadChecksum(digest, expected);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has " + algorithm, e);
    }
  }

  /** The digest to feed the chunk's bytes to. */
  public MessageDigest digest() {
    return digest;
  }

  /** Whether the bytes fed to {@link #digest()} match. */
  public boolean matches() {
    return MessageDigest.isEqual(digest.digest(), expected);
  }
}
