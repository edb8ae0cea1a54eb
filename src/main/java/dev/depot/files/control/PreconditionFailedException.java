package dev.depot.files.control;

/** The file at this path is not in the state the request's conditions require; nothing was changed. */
public class PreconditionFailedException extends DepotException {

  public PreconditionFailedException(String message) {
    super("PRECONDITION_FAILED", message);
  }

  public PreconditionFailedException(String message, Throwable cause) {
    super("PRECONDITION_FAILED", message, cause);
  }
}
