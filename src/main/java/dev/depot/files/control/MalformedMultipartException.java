package dev.depot.files.control;

/** A multipart body Depot cannot parse: bad or missing boundary, truncated, garbage. */
public class MalformedMultipartException extends DepotException {

  public MalformedMultipartException(String message) {
    super("MALFORMED_MULTIPART", message);
  }

  public MalformedMultipartException(String message, Throwable cause) {
    super("MALFORMED_MULTIPART", message, cause);
  }
}
