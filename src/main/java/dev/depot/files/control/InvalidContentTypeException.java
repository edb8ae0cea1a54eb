package dev.depot.files.control;

/** A declared content type Depot will not record (too long, or not printable ASCII). */
public class InvalidContentTypeException extends DepotException {

  public InvalidContentTypeException(String message) {
    super("INVALID_CONTENT_TYPE", message);
  }
}
