package dev.depot.files.boundary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.depot.access.control.AuditEntry;
import dev.depot.problem.Problem;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class AuditedExchangeTest {

  private static final String SHA = "a".repeat(64);
  private static final String SHA2 = "b".repeat(64);

  private static List<AuditEntry> entries(String method, String path, int status, Object entity, StoredInRequest.File... stored) {
    return entries(method, path, null, null, status, entity, stored);
  }

  private static List<AuditEntry> entries(
      String method, String path, String filedir, String filename, int status, Object entity, StoredInRequest.File... stored) {
    return AuditedExchange.entries(
        new AuditedExchange.Exchange(method, Arrays.asList(path.split("/")), filedir, filename, status, entity, List.of(stored), null, null, null));
  }

  private static List<AuditEntry> refusedLogin(String method, String path, String authorization) {
    return AuditedExchange.entries(new AuditedExchange.Exchange(
        method, Arrays.asList(path.split("/")), null, null, 401, problem(Problem.INVALID_CREDENTIALS), List.of(), authorization, null, null));
  }

  private static String basic(String userColonPassword) {
    return "Basic " + Base64.getEncoder().encodeToString(userColonPassword.getBytes(StandardCharsets.UTF_8));
  }

  private static String problem(Problem problem) {
    return ProblemMapper.body(problem, "detail", "/depot/api/x");
  }

  private static String problem(String code, int status) {
    return "{\"type\":\"about:blank\",\"title\":\"t\",\"status\":" + status + ",\"detail\":\"\",\"code\":\"" + code + "\"}";
  }

  @Test
  void aCreatingPutIsOneRecordWithWhatWasStored() {
    assertEquals(List.of(new AuditEntry("PUT", "a/b.txt", 3L, SHA, 201, null)),
        entries("PUT", "files/a/b.txt", 201, null, new StoredInRequest.File("a/b.txt", 3, SHA, true)));
  }

  @Test
  void aReplacingPutIsRecordedWithItsStatus200() {
    assertEquals(List.of(new AuditEntry("PUT", "a/b.txt", 5L, SHA, 200, null)),
        entries("PUT", "files/a/b.txt", 200, null, new StoredInRequest.File("a/b.txt", 5, SHA, false)));
  }

  @Test
  void aMultipartIsOneRecordPerStoredFile() {
    assertEquals(
        List.of(new AuditEntry("MULTIPART", "d/one", 1L, SHA, 201, null), new AuditEntry("MULTIPART", "d/two", 2L, SHA2, 201, null)),
        entries("POST", "files", 201, null, new StoredInRequest.File("d/one", 1, SHA, true), new StoredInRequest.File("d/two", 2, SHA2, false)));
  }

  @Test
  void partsStoredBeforeAMultipartFailedAreRecordedBesideTheRefusal() {
    assertEquals(
        List.of(new AuditEntry("MULTIPART", "d/one", 1L, SHA, 201, null), new AuditEntry("MULTIPART", "d/old", 2L, SHA2, 200, null),
            new AuditEntry("MULTIPART", null, null, null, 403, "FORBIDDEN")),
        entries("POST", "files", 403, problem(Problem.FORBIDDEN), new StoredInRequest.File("d/one", 1, SHA, true),
            new StoredInRequest.File("d/old", 2, SHA2, false)));
  }

  @Test
  void aRefusedMultipartPartIsRecordedWithThePathItWasRefusedOn() {
    // the URL (POST /files, /upload) names no path: the part's is the one the policy or quota refused
    for (String code : new String[] {"FORBIDDEN", "QUOTA_EXCEEDED"}) {
      int status = code.equals("FORBIDDEN") ? 403 : 507;
      assertEquals(List.of(new AuditEntry("MULTIPART", "team-b/x", null, null, status, code)),
          AuditedExchange.entries(new AuditedExchange.Exchange("POST", List.of("files"), null, null, status, problem(code, status), List.of(), null,
              "team-b/x", null)));
    }
    assertEquals(List.of(new AuditEntry("UPLOAD", "x.iso", null, null, 403, "FORBIDDEN")),
        AuditedExchange.entries(new AuditedExchange.Exchange("POST", List.of("upload"), null, null, 403, problem(Problem.FORBIDDEN), List.of(), null,
            "x.iso", null)));
  }

  @Test
  void theUrlsPathComesBeforeARefusedOne() {
    assertEquals("a/b.txt", AuditedExchange.entries(new AuditedExchange.Exchange("PUT", List.of("files", "a", "b.txt"), null, null, 403,
        problem(Problem.FORBIDDEN), List.of(), null, "elsewhere", null)).get(0).path());
  }

  @Test
  void partsStoredBeforeAMalformedRestAreRecordedAndTheBadRequestIsNot() {
    assertEquals(List.of(new AuditEntry("MULTIPART", "d/one", 1L, SHA, 201, null)),
        entries("POST", "files", 400, problem(Problem.MALFORMED_MULTIPART), new StoredInRequest.File("d/one", 1, SHA, true)));
  }

  @Test
  void theSeedEndpointsAreRecordedFromWhatTheyStored() {
    assertEquals(List.of(new AuditEntry("UPLOAD", "big.iso", 9L, SHA, 200, null)),
        entries("POST", "upload", 200, new SeedUploadJson("big.iso", 9), new StoredInRequest.File("big.iso", 9, SHA, true)));
    assertEquals(List.of(new AuditEntry("STREAM", "isos/big.iso", 9L, SHA, 200, null)),
        entries("POST", "stream", "isos", "big.iso", 200, new SeedStreamJson("http://x/files/isos/big.iso"),
            new StoredInRequest.File("isos/big.iso", 9, SHA, true)));
  }

  @Test
  void aDeleteIsRecordedWithThePathOfItsUrl() {
    assertEquals(List.of(new AuditEntry("DELETE", "a/b.txt", null, null, 204, null)), entries("DELETE", "files/a/b.txt", 204, null));
  }

  @Test
  void aFailedDeleteThatIsNoRefusalIsNotRecorded() {
    assertEquals(List.of(), entries("DELETE", "files/a/b.txt", 404, problem(Problem.NOT_FOUND)));
    assertEquals(List.of(), entries("DELETE", "files/a/b.txt", 412, problem(Problem.PRECONDITION_FAILED)));
  }

  @Test
  void aSignedLinkIsRecordedWithItsPath() {
    assertEquals(List.of(new AuditEntry("LINK", "a/b.txt", null, null, 201, null)),
        entries("POST", "links", 201, new LinksResource.LinkJson("http://x", "GET", "a/b.txt", "2026-12-02T10:00:00Z")));
  }

  @Test
  void refusalsAreRecordedWithTheirCodeAndTheRequestedPath() {
    assertEquals(List.of(new AuditEntry("PUT", "a/b.txt", null, null, 401, "UNAUTHENTICATED")),
        entries("PUT", "files/a/b.txt", 401, problem(Problem.UNAUTHENTICATED)));
    assertEquals(List.of(new AuditEntry("DELETE", "a/b.txt", null, null, 403, "FORBIDDEN")),
        entries("DELETE", "files/a/b.txt", 403, problem(Problem.FORBIDDEN)));
    assertEquals(List.of(new AuditEntry("STREAM", "d/f.bin", null, null, 403, "FORBIDDEN")),
        entries("POST", "stream", "d", "f.bin", 403, problem(Problem.FORBIDDEN)));
    assertEquals(List.of(new AuditEntry("LINK", null, null, null, 403, "FORBIDDEN")), entries("POST", "links", 403, problem(Problem.FORBIDDEN)));
    assertEquals(List.of(new AuditEntry("UPLOAD", null, null, null, 401, "INVALID_CREDENTIALS")),
        entries("POST", "upload", 401, problem(Problem.INVALID_CREDENTIALS)));
  }

  @Test
  void readsAreRecordedOnlyWhenRefused() {
    assertEquals(List.of(), entries("GET", "files/a/b.txt", 200, null));
    assertEquals(List.of(), entries("GET", "files", 200, null));
    assertEquals(List.of(), entries("GET", "files/a/b.txt", 404, problem(Problem.NOT_FOUND)));
    assertEquals(List.of(new AuditEntry("READ", "a/b.txt", null, null, 403, "INVALID_SIGNED_LINK")),
        entries("GET", "files/a/b.txt", 403, problem(Problem.INVALID_SIGNED_LINK)));
    assertEquals(List.of(new AuditEntry("READ", "a/b.txt", null, null, 401, "UNAUTHENTICATED")),
        entries("HEAD", "metadata/a/b.txt", 401, problem(Problem.UNAUTHENTICATED)));
    assertEquals(List.of(new AuditEntry("READ", null, null, null, 401, "UNAUTHENTICATED")), entries("GET", "files", 401, problem(Problem.UNAUTHENTICATED)));
  }

  @Test
  void otherEndpointsRefusalsAreRecordedByTheirName() {
    assertEquals(List.of(new AuditEntry("AUDIT", null, null, null, 403, "FORBIDDEN")), entries("GET", "audit", 403, problem(Problem.FORBIDDEN)));
    assertEquals(List.of(new AuditEntry("SESSION", null, null, null, 401, "INVALID_CREDENTIALS")),
        entries("POST", "session", 401, problem(Problem.INVALID_CREDENTIALS)));
  }

  @Test
  void askingWhoIsSignedInIsNoAttempt() {
    assertEquals(List.of(), entries("GET", "session", 401, problem(Problem.UNAUTHENTICATED)));
  }

  @Test
  void wrongCredentialsOnGetSessionAreAnAttempt() {
    // curl -u alice:guess …/api/session: password guessing must leave a trace
    assertEquals(List.of(new AuditEntry("SESSION", null, null, null, 401, "INVALID_CREDENTIALS", "alice")),
        refusedLogin("GET", "session", basic("alice:guess")));
  }

  @Test
  void aRefusedBasicLoginRecordsTheUserNameItClaimed() {
    assertEquals(List.of(new AuditEntry("PUT", "a/b.txt", null, null, 401, "INVALID_CREDENTIALS", "alice")),
        refusedLogin("PUT", "files/a/b.txt", basic("alice:wrong")));
    assertEquals("bob", refusedLogin("GET", "files/x", "basic  " + Base64.getEncoder().encodeToString("bob:pw:with:colons".getBytes(StandardCharsets.UTF_8)))
        .get(0).claimedPrincipal());
    assertEquals("J\u00fcrgen", refusedLogin("POST", "upload", basic("J\u00fcrgen:x")).get(0).claimedPrincipal());
  }

  @Test
  void aRefusedSignInFormRecordsTheUserNameItClaimed() {
    assertEquals(List.of(new AuditEntry("SESSION", null, null, null, 401, "INVALID_CREDENTIALS", "alice")),
        AuditedExchange.entries(new AuditedExchange.Exchange("POST", List.of("session"), null, null, 401, problem(Problem.INVALID_CREDENTIALS),
            List.of(), null, null, "alice")));
  }

  @Test
  void noUserNameIsClaimedWithoutBasicCredentialsThatNameOne() {
    for (String authorization : new String[] {null, "Bearer abc.def.ghi", "Basic !!notbase64", basic("nocolon"), basic(":password"), "Basic", "Digest x"}) {
      assertEquals(List.of(new AuditEntry("PUT", "a", null, null, 401, "INVALID_CREDENTIALS", null)), refusedLogin("PUT", "files/a", authorization),
          String.valueOf(authorization));
    }
  }

  @Test
  void theClaimedNameIsKeptOnlyForWrongCredentials() {
    // an authenticated caller's refusal already names them; an UNAUTHENTICATED request sent no credentials
    assertNull(AuditedExchange.entries(new AuditedExchange.Exchange("PUT", List.of("files", "a"), null, null, 401, problem(Problem.UNAUTHENTICATED),
        List.of(), basic("alice:pw"), null, null)).get(0).claimedPrincipal());
  }

  @Test
  void aQuotaRefusalIsRecognisedByItsCodeAndOtherInsufficientStorageIsNot() {
    assertEquals(List.of(new AuditEntry("PUT", "a/b.txt", null, null, 507, "QUOTA_EXCEEDED")),
        entries("PUT", "files/a/b.txt", 507, problem("QUOTA_EXCEEDED", 507)));
    assertEquals(List.of(), entries("PUT", "files/a/b.txt", 507, problem(Problem.INSUFFICIENT_STORAGE)));
  }

  @Test
  void aPathTheStoreWouldRefuseIsKeptAsSent() {
    assertEquals("a/../b", entries("PUT", "files/a/../b", 401, problem(Problem.INVALID_CREDENTIALS)).get(0).path());
  }

  @Test
  void problemCodeIsReadOnlyFromAProblemDocument() {
    assertEquals("FORBIDDEN", AuditedExchange.problemCode(problem(Problem.FORBIDDEN)));
    assertNull(AuditedExchange.problemCode("not json"));
    assertNull(AuditedExchange.problemCode("{\"code\": 3}"));
    assertNull(AuditedExchange.problemCode("{broken"));
    assertNull(AuditedExchange.problemCode(new SeedUploadJson("x", 1)));
    assertNull(AuditedExchange.problemCode(null));
  }
}
