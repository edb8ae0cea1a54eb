package dev.depot.storage.control;

import static dev.depot.problem.Problems.assertProblem;
import dev.depot.problem.Problem;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depot.storage.entity.StoredFile;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class WritePreconditionTest {

  private static final Optional<StoredFile> NOTHING = Optional.empty();

  /** When the files of {@link #storedAt} were last modified: 03:04:05 and some microseconds. */
  private static final Instant MODIFIED = Instant.parse("2026-01-02T03:04:05.678901Z");

  private static Optional<StoredFile> stored(String sha256) {
    StoredFile file = new StoredFile("a/b", Instant.now());
    file.describe(1, sha256, "text/plain", null, Instant.now());
    return Optional.of(file);
  }

  private static Optional<StoredFile> storedAt(String sha256, Instant modified) {
    StoredFile file = new StoredFile("a/b", modified);
    file.describe(1, sha256, "text/plain", null, modified);
    return Optional.of(file);
  }

  private static WritePrecondition unmodifiedSince(String instant) {
    return new WritePrecondition(null, null, Instant.parse(instant));
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

  @Test
  void ifUnmodifiedSinceComparesWholeSecondsOfTheModifiedTime() {
    // Last-Modified says 03:04:05 for a file modified at 03:04:05.678901: that date must let it through.
    assertFalse(unmodifiedSince("2026-01-02T03:04:05Z").isNone());
    assertDoesNotThrow(() -> unmodifiedSince("2026-01-02T03:04:05Z").check(storedAt("aa", MODIFIED)));
    assertDoesNotThrow(() -> unmodifiedSince("2026-01-02T03:04:06Z").check(storedAt("aa", MODIFIED)));
    assertDoesNotThrow(() -> unmodifiedSince("2027-01-01T00:00:00Z").check(storedAt("aa", MODIFIED)));
    assertProblem(Problem.PRECONDITION_FAILED, () -> unmodifiedSince("2026-01-02T03:04:04Z").check(storedAt("aa", MODIFIED)));
    assertProblem(Problem.PRECONDITION_FAILED, () -> unmodifiedSince("2025-01-01T00:00:00Z").check(storedAt("aa", MODIFIED)));
  }

  @Test
  void ifUnmodifiedSinceFailsWhenNothingIsStored() {
    // The version the client dated is gone: recreating the path would be the lost update it guards against.
    assertProblem(Problem.PRECONDITION_FAILED, () -> unmodifiedSince("2026-01-02T03:04:05Z").check(NOTHING));
  }

  @Test
  void ifMatchMakesIfUnmodifiedSinceIrrelevant() {
    // RFC 9110 §13.2.2: If-Unmodified-Since is evaluated only when If-Match is absent.
    Instant longBefore = Instant.parse("2000-01-01T00:00:00Z");
    WritePrecondition both = new WritePrecondition(WritePrecondition.Versions.of(Set.of("aa")), null, longBefore);

    assertDoesNotThrow(() -> both.check(storedAt("aa", MODIFIED)));
    assertProblem(Problem.PRECONDITION_FAILED, () -> both.check(storedAt("bb", MODIFIED)));
  }

  @Test
  void ifUnmodifiedSinceIsCheckedBeforeIfNoneMatch() {
    WritePrecondition both =
        new WritePrecondition(null, WritePrecondition.Versions.of(Set.of("other")), Instant.parse("2026-01-02T03:04:05Z"));

    assertDoesNotThrow(() -> both.check(storedAt("aa", MODIFIED)));
    assertProblem(Problem.PRECONDITION_FAILED, () -> both.check(storedAt("aa", MODIFIED.plusSeconds(1))));
    assertProblem(Problem.PRECONDITION_FAILED, () -> both.check(storedAt("other", MODIFIED)));
  }
}
