package dev.depot.files.control;

/** A multipart body exceeds a cap: too many parts, a part header or a form field too large. */
public class MultipartLimitException extends DepotException {

  public MultipartLimitException(String message) {
    super("MULTIPART_LIMIT", message);
  }

  public MultipartLimitException(String message, Throwable cause) {
    super("MULTIPART_LIMIT", message, cause);
  }
}
