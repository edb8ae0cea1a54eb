package dev.depot.files.control;

import static dev.depot.problem.Problems.assertProblem;
import dev.depot.problem.DepotException;
import dev.depot.problem.Problem;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class ClientDigestsTest {

  private static final byte[] BODY = "hello depot".getBytes(StandardCharsets.UTF_8);

  @Test
  void noHeadersMeansNothingToVerify() {
    assertTrue(ClientDigests.fromHeaders(null, " ", null).isEmpty());
  }

  @Test
  void matchingSha256Sha512AndMd5Pass() throws Exception {
    ClientDigests digests =
        ClientDigests.fromHeaders(
            "sha-256=:" + b64("SHA-256") + ":, sha-512=:" + b64("SHA-512") + ":",
            "sha-256=:" + b64("SHA-256") + ":",
            b64("MD5"));

    assertDoesNotThrow(() -> read(digests).verify(hex("SHA-256")));
  }

  @Test
  void wrongMd5IsAMismatchNamingTheHeader() throws Exception {
    ClientDigests digests = ClientDigests.fromHeaders(null, null, Base64.getEncoder().encodeToString(new byte[16]));

    ClientDigests.Verifier verifier = read(digests);
    DepotException e = assertProblem(Problem.DIGEST_MISMATCH, () -> verifier.verify(hex("SHA-256")));
    assertEquals("DIGEST_MISMATCH", e.problem().code());
    assertTrue(e.getMessage().contains("Content-MD5"), e.getMessage());
  }

  @Test
  void wrongSha256IsAMismatch() throws Exception {
    ClientDigests digests = ClientDigests.fromHeaders(null, "sha-256=:" + Base64.getEncoder().encodeToString(new byte[32]) + ":", null);

    ClientDigests.Verifier verifier = read(digests);
    assertProblem(Problem.DIGEST_MISMATCH, () -> verifier.verify(hex("SHA-256")));
  }

  @Test
  void unknownAlgorithmsAreIgnoredAndParametersSkipped() throws Exception {
    ClientDigests digests = ClientDigests.fromHeaders("unixsum=:AAA=:, sha-256=:" + b64("SHA-256") + ":;foo=1", null, null);

    assertDoesNotThrow(() -> read(digests).verify(hex("SHA-256")));
    assertTrue(ClientDigests.fromHeaders("md5=:AAAA:, crc32c=:AAAAAA==:", null, null).isEmpty());
  }

  @Test
  void malformedValuesAreInvalidNotMismatches() {
    assertProblem(Problem.INVALID_DIGEST, () -> ClientDigests.fromHeaders("sha-256=abc", null, null));
    assertProblem(Problem.INVALID_DIGEST, () -> ClientDigests.fromHeaders("sha-256=:not base64!:", null, null));
    assertProblem(Problem.INVALID_DIGEST, () -> ClientDigests.fromHeaders("sha-256=:AAAA:", null, null));
    assertProblem(Problem.INVALID_DIGEST, () -> ClientDigests.fromHeaders("garbage", null, null));
    // A hex MD5 (a common mistake) is not RFC 1864 base64 of 16 bytes.
    assertProblem(Problem.INVALID_DIGEST, () -> ClientDigests.fromHeaders(null, null, "5d41402abc4b2a76b9719d911017c592"));
  }

  private static ClientDigests.Verifier read(ClientDigests digests) throws IOException {
    ClientDigests.Verifier verifier = digests.verifier();
    for (int off = 0; off < BODY.length; off += 3) { // several updates, like the storage engine's hashing
      for (MessageDigest md : verifier.digests()) {
        md.update(BODY, off, Math.min(3, BODY.length - off));
      }
    }
    return verifier;
  }

  private static String b64(String algorithm) throws Exception {
    return Base64.getEncoder().encodeToString(MessageDigest.getInstance(algorithm).digest(BODY));
  }

  private static String hex(String algorithm) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(BODY));
  }
}
