package dev.depot.files.control;

/** A file (a body or one part) is larger than {@code depot.max-file-size}. */
public class UploadTooLargeException extends DepotException {

  public UploadTooLargeException(String message) {
    super("UPLOAD_TOO_LARGE", message);
  }

  public UploadTooLargeException(String message, Throwable cause) {
    super("UPLOAD_TOO_LARGE", message, cause);
  }
}
