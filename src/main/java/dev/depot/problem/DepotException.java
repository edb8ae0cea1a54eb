package dev.depot.problem;

/**
 * The one exception type for failures Depot can name: a {@link Problem} and a detail that is safe to
 * show a client (it never holds a server path or an internal exception's text; the cause, if any, is
 * for the log).
 */
public final class DepotException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final Problem problem;

  public DepotException(Problem problem, String detail) {
    super(detail);
    this.problem = problem;
  }

  public DepotException(Problem problem, String detail, Throwable cause) {
    super(detail, cause);
    this.problem = problem;
  }

  public Problem problem() {
    return problem;
  }

  /** The client-safe detail. */
  public String detail() {
    return getMessage();
  }

  /** Whether this is {@code problem}. */
  public boolean is(Problem problem) {
    return this.problem == problem;
  }
}
