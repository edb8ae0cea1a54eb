package dev.depot.files.boundary;

import java.util.Base64;
import java.util.HexFormat;

/** The {@code Repr-Digest} field Depot sends (RFC 9530): the stored file's SHA-256. */
public final class DigestFields {

  public static final String REPR_DIGEST = "Repr-Digest";

  private DigestFields() {}

  /** {@code sha-256=:base64:} of a SHA-256 given as lowercase hex. */
  public static String reprDigest(String sha256Hex) {
    return "sha-256=:" + Base64.getEncoder().encodeToString(HexFormat.of().parseHex(sha256Hex)) + ":";
  }
}
