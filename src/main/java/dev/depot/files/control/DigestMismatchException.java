package dev.depot.files.control;

/** What was received does not match a digest the client sent; nothing was stored or replaced. */
public class DigestMismatchException extends DepotException {

  public DigestMismatchException(String message) {
    super("DIGEST_MISMATCH", message);
  }

  public DigestMismatchException(String message, Throwable cause) {
    super("DIGEST_MISMATCH", message, cause);
  }
}
