package dev.depot.files.control;

/** No file is stored at the path. */
public class UnknownPathException extends DepotException {

  public UnknownPathException(String message) {
    super("NOT_FOUND", message);
  }

  public UnknownPathException(String message, Throwable cause) {
    super("NOT_FOUND", message, cause);
  }
}
