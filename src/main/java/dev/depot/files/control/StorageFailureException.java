package dev.depot.files.control;

/** The storage engine failed for a reason that is not the client's (I/O error, misconfiguration). */
public class StorageFailureException extends DepotException {

  public StorageFailureException(String message) {
    super("STORAGE_FAILURE", message);
  }

  public StorageFailureException(String message, Throwable cause) {
    super("STORAGE_FAILURE", message, cause);
  }
}
