package dev.depot.files.control;

/** A multipart request that must carry a file part carries none. */
public class MissingFilePartException extends DepotException {

  public MissingFilePartException(String message) {
    super("MISSING_FILE_PART", message);
  }

  public MissingFilePartException(String message, Throwable cause) {
    super("MISSING_FILE_PART", message, cause);
  }
}
