package dev.depot.files.control;

/** The request body ended early or broke off (client abort, short body); nothing was stored. */
public class UploadIncompleteException extends DepotException {

  public UploadIncompleteException(String message) {
    super("UPLOAD_INCOMPLETE", message);
  }

  public UploadIncompleteException(String message, Throwable cause) {
    super("UPLOAD_INCOMPLETE", message, cause);
  }
}
