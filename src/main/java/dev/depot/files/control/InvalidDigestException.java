package dev.depot.files.control;

/** A digest header the client sent is malformed (RFC 9530 {@code sha-256=:base64:}, RFC 1864 base64 MD5). */
public class InvalidDigestException extends DepotException {

  public InvalidDigestException(String message) {
    super("INVALID_DIGEST", message);
  }

  public InvalidDigestException(String message, Throwable cause) {
    super("INVALID_DIGEST", message, cause);
  }
}
