package dev.depot.uploads.control;

import static dev.depot.problem.Problems.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depot.problem.Problem;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UploadMetadataTest {

  @Test
  void decodesPairsAndKeysWithoutValues() {
    // "filename" = "wörld.txt" in UTF-8, "dir" = "a/b", "flag" without a value
    UploadMetadata m = UploadMetadata.parse("filename d8O2cmxkLnR4dA==, dir YS9i,flag");

    assertEquals(Map.of("filename", "wörld.txt", "dir", "a/b", "flag", ""), m.values());
    assertEquals("filename d8O2cmxkLnR4dA==, dir YS9i,flag", m.header());
  }

  @Test
  void noHeaderIsNoMetadata() {
    assertTrue(UploadMetadata.parse(null).values().isEmpty());
    assertNull(UploadMetadata.parse(" ").header());
  }

  @Test
  void refusesWhatIsNotPairsOfAKeyAndBase64() {
    for (String bad : new String[] {"filename not*base64", "a b c", ",x eA==", "k\u00e9y eA==", "x eA==,x eQ==", "x //79"}) {
      assertProblem(Problem.INVALID_PARAMETER, () -> UploadMetadata.parse(bad));
    }
    assertProblem(Problem.INVALID_PARAMETER, () -> UploadMetadata.parse("k " + "A".repeat(UploadMetadata.MAX_HEADER)));
  }
}
