package dev.depot.storage.control;

import static dev.depot.problem.Problems.assertProblem;
import dev.depot.problem.Problem;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depot.storage.entity.StoredFile;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class WritePreconditionTest {

  private static final Optional<StoredFile> NOTHING = Optional.empty();

  private static Optional<StoredFile> stored(String sha256) {
    StoredFile file = new StoredFile("a/b", Instant.now());
    file.describe(1, sha256, "text/plain", null, Instant.now());
    return Optional.of(file);
  }

  @Test
  void noneAllowsAnything() {
    assertTrue(WritePrecondition.NONE.isNone());
    assertDoesNotThrow(() -> WritePrecondition.NONE.check(NOTHING));
    assertDoesNotThrow(() -> WritePrecondition.NONE.check(stored("aa")));
  }

  @Test
  void createOnlyRefusesAnExistingPath() {
    assertDoesNotThrow(() -> WritePrecondition.CREATE_ONLY.check(NOTHING));
    assertProblem(Problem.PRECONDITION_FAILED, () -> WritePrecondition.CREATE_ONLY.check(stored("aa")));
  }

  @Test
  void ifMatchNeedsTheCurrentVersion() {
    WritePrecondition ifMatch = new WritePrecondition(WritePrecondition.Versions.of(Set.of("aa", "bb")), null);

    assertDoesNotThrow(() -> ifMatch.check(stored("bb")));
    assertProblem(Problem.PRECONDITION_FAILED, () -> ifMatch.check(stored("cc")));
    assertProblem(Problem.PRECONDITION_FAILED, () -> ifMatch.check(NOTHING));
  }

  @Test
  void ifMatchAnyNeedsSomeVersion() {
    WritePrecondition any = new WritePrecondition(WritePrecondition.Versions.ANY, null);

    assertDoesNotThrow(() -> any.check(stored("cc")));
    assertProblem(Problem.PRECONDITION_FAILED, () -> any.check(NOTHING));
  }

  @Test
  void ifNoneMatchWithTagsRefusesOnlyThoseVersions() {
    WritePrecondition notThese = new WritePrecondition(null, WritePrecondition.Versions.of(Set.of("aa")));

    assertProblem(Problem.PRECONDITION_FAILED, () -> notThese.check(stored("aa")));
    assertDoesNotThrow(() -> notThese.check(stored("bb")));
    assertDoesNotThrow(() -> notThese.check(NOTHING));
  }
}
