package dev.depot.files.control;

/** A query parameter is malformed or out of range (a listing's {@code limit}, {@code cursor} or {@code prefix}). */
public class InvalidParameterException extends DepotException {

  public InvalidParameterException(String message) {
    super("INVALID_PARAMETER", message);
  }

  public InvalidParameterException(String message, Throwable cause) {
    super("INVALID_PARAMETER", message, cause);
  }
}
