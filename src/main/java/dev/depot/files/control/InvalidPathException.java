package dev.depot.files.control;

/** A client-supplied path or filename that Depot will not store under. */
public class InvalidPathException extends DepotException {

  public InvalidPathException(String message) {
    super("INVALID_PATH", message);
  }

  public InvalidPathException(String message, Throwable cause) {
    super("INVALID_PATH", message, cause);
  }
}
