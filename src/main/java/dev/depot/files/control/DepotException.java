package dev.depot.files.control;

/**
 * A failure Depot can name. {@link #code()} is a stable wire string (clients may switch on it); the
 * message is safe to show a client: it never holds a server path or an internal exception's text.
 */
public abstract class DepotException extends RuntimeException {

  private final String code;

  protected DepotException(String code, String message) {
    super(message);
    this.code = code;
  }

  protected DepotException(String code, String message, Throwable cause) {
    super(message, cause);
    this.code = code;
  }

  public String code() {
    return code;
  }
}
