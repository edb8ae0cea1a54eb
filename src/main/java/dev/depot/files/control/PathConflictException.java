package dev.depot.files.control;

/** The path is taken by something that is not a stored file (a directory, or a file where a directory is needed). */
public class PathConflictException extends DepotException {

  public PathConflictException(String message) {
    super("PATH_CONFLICT", message);
  }

  public PathConflictException(String message, Throwable cause) {
    super("PATH_CONFLICT", message, cause);
  }
}
