package dev.depot.files.control;

import dev.depot.storage.control.StoredFiles;

import static dev.depot.problem.Problems.assertProblem;
import dev.depot.problem.Problem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class ListingsTest {

  @Test
  void cursorRoundTripsAnyPathAndIsUrlSafe() {
    for (String path : List.of("a", "reports/2026/q1.pdf", "ünïcødé/名前.txt", "with space/and+plus?&=")) {
      String cursor = Listings.encode(path);
      assertFalse(cursor.matches(".*[+/=].*"), cursor);
      assertEquals(path, Listings.decode(cursor));
    }
  }

  @Test
  void foreignCursorsAreRejected() {
    assertProblem(Problem.INVALID_PARAMETER, () -> Listings.decode("not base64!"));
    assertProblem(Problem.INVALID_PARAMETER, () -> Listings.decode("_w")); // 0xFF: not UTF-8
  }

  @Test
  void prefixWildcardsMatchLiterally() {
    assertEquals("%", StoredFiles.likePrefix(""));
    assertEquals("a/b%", StoredFiles.likePrefix("a/b"));
    assertEquals("100!%!_off!!/%", StoredFiles.likePrefix("100%_off!/"));
  }

  @Test
  void limitBelowOneIsRejected() {
    Listings listings = new Listings();
    assertProblem(Problem.INVALID_PARAMETER, () -> listings.list("", 0, null));
  }
}
