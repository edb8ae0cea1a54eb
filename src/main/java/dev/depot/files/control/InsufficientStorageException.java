package dev.depot.files.control;

/** The results filesystem has no room for the upload (ENOSPC); nothing was stored. */
public class InsufficientStorageException extends DepotException {

  public InsufficientStorageException(String message) {
    super("INSUFFICIENT_STORAGE", message);
  }

  public InsufficientStorageException(String message, Throwable cause) {
    super("INSUFFICIENT_STORAGE", message, cause);
  }
}
