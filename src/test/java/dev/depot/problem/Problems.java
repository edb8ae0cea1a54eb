package dev.depot.problem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.function.Executable;

/** Assertions on Depot's named failures. */
public final class Problems {

  private Problems() {}

  /** Asserts that {@code action} fails with {@code problem}, and returns the exception. */
  public static DepotException assertProblem(Problem problem, Executable action) {
    DepotException e = assertThrows(DepotException.class, action);
    assertEquals(problem, e.problem(), e.getMessage());
    return e;
  }
}
