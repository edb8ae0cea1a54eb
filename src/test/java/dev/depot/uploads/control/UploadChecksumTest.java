package dev.depot.uploads.control;

import static dev.depot.problem.Problems.assertProblem;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depot.problem.Problem;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class UploadChecksumTest {

  @Test
  void matchesTheChunkItWasSentWith() {
    // sha1("hello") = aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d
    UploadChecksum sha1 = UploadChecksum.parse("sha1 qvTGHdzF6KLavt4PO0gs2a6pQ00=");
    sha1.digest().update("hello".getBytes(StandardCharsets.US_ASCII));
    assertTrue(sha1.matches());

    UploadChecksum other = UploadChecksum.parse("sha1 qvTGHdzF6KLavt4PO0gs2a6pQ00=");
    other.digest().update("hellO".getBytes(StandardCharsets.US_ASCII));
    assertFalse(other.matches());
  }

  @Test
  void refusesUnknownAlgorithmsAndMalformedDigests() {
    assertNull(UploadChecksum.parse(null));
    for (String bad : new String[] {"crc32 AAAAAA==", "sha1", "sha1 not*base64", "md5 qvTGHdzF6KLavt4PO0gs2a6pQ00=", "sha1  x"}) {
      assertProblem(Problem.INVALID_PARAMETER, () -> UploadChecksum.parse(bad));
    }
  }
}
