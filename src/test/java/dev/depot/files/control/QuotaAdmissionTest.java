package dev.depot.files.control;

import static dev.depot.problem.Problems.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depot.access.control.AccessPolicy;
import dev.depot.access.control.Caller;
import dev.depot.access.control.LinkSigner;
import dev.depot.access.control.Quota;
import dev.depot.access.control.RefusedInRequest;
import dev.depot.config.FixedSettings;
import dev.depot.it.RandomBytes;
import dev.depot.problem.Problem;
import dev.depot.storage.control.InMemoryStoredFiles;
import dev.depot.storage.control.StorageFixture;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Quotas as uploads meet them, without a server: admission, streaming, replace, concurrency, links, multipart. */
class QuotaAdmissionTest {

  static final Caller ALICE = Caller.user("alice", Set.of("team-a", Caller.ROLE_WRITER), Caller.Via.BASIC);
  static final Caller BOB = Caller.user("bob", Set.of("team-b"), Caller.Via.BASIC);

  @TempDir Path root;
  FixedSettings settings;
  StorageFixture storage;
  InMemoryStoredFiles rows;
  Uploads alice;
  QuotaAdmission quotas;

  @BeforeEach
  void init() {
    settings = new FixedSettings(root);
    settings.fsync = false;
    storage = new StorageFixture(settings);
    rows = storage.rows;
    alice = UploadsFixture.wire(storage, ALICE);
    quotas = alice.quotas;
  }

  /** Another caller's uploads, sharing alice's quota reservations and upload slots (one server). */
  private Uploads as(Caller caller) {
    Uploads uploads = UploadsFixture.wire(storage, caller);
    uploads.quotas = quotas;
    uploads.slots = alice.slots;
    return uploads;
  }

  @Test
  void aDeclaredLengthOverTheQuotaIsRefusedBeforeTheBodyIsRead() {
    settings.quotaBytes = 10;
    InputStream unread = new InputStream() {
      @Override
      public int read() {
        throw new AssertionError("the body was read");
      }
    };

    assertProblem(Problem.QUOTA_EXCEEDED, () -> alice.storeBody(new Uploads.Upload("big.bin", unread, null, null, 11)));

    assertNothingAt("big.bin");
    assertEquals(Quota.Usage.NONE, quotas.reserved("alice"));
    assertEquals(0, alice.slots.inProgress("alice"), "the upload slot is back");
  }

  @Test
  void aChunkedBodyIsCutOffWhereItCrossesTheAllowanceAndLeavesNothing() {
    settings.quotaBytes = 3L << 20;
    long size = 10L << 20;
    Counting body = new Counting(new RandomBytes(7, size));

    assertProblem(Problem.QUOTA_EXCEEDED, () -> alice.storeBody(new Uploads.Upload("chunked.bin", body, null, null, -1)));

    assertTrue(body.count < (4L << 20), "cut off near the allowance, not at the end: " + body.count);
    assertNothingAt("chunked.bin");
    assertEquals(Quota.Usage.NONE, quotas.reserved("alice"));
    alice.storeBody(upload("fits.bin", 3 << 20, -1)); // exactly the quota
  }

  @Test
  void aReplaceOfOnesOwnFileCountsOnlyTheGrowth() {
    settings.quotaBytes = 10;
    alice.storeBody(upload("a", 8, 8));
    alice.storeBody(upload("a", 10, 10));
    assertProblem(Problem.QUOTA_EXCEEDED, () -> alice.storeBody(upload("b", 1, 1)));
    alice.storeBody(upload("a", 4, 4)); // a shrink frees room once committed
    alice.storeBody(upload("b", 6, -1));
    assertEquals(new dev.depot.storage.control.StoredFiles.Usage(10, 2), rows.usage(Caller.actorsOf("alice")));
  }

  @Test
  void replacingSomeoneElsesFileChargesItWholeToTheNewWriter() {
    settings.namedQuotas.put("depot.quota.user.alice.bytes", "10");
    as(BOB).storeBody(upload("shared", 8, 8));
    alice.storeBody(upload("shared", 9, 9));
    assertProblem(Problem.QUOTA_EXCEEDED, () -> alice.storeBody(upload("more", 2, 2)));
    assertEquals(0, rows.usage(Caller.actorsOf("bob")).files());
    assertEquals(9, rows.usage(Caller.actorsOf("alice")).bytes());
  }

  @Test
  void aNewPathCountsOneFileAndAReplaceNone() {
    settings.quotaFiles = 2;
    alice.storeBody(upload("one", 1, 1));
    alice.storeBody(upload("two", 0, 0));
    assertProblem(Problem.QUOTA_EXCEEDED, () -> alice.storeBody(upload("three", 1, 1)));
    alice.storeBody(upload("one", 5, -1));
    assertNothingAt("three");
  }

  @Test
  void aLinksUploadsCountForItsIssuer() {
    settings.quotaBytes = 10;
    Caller link = new Caller("alice", Set.of(), Caller.Via.LINK, new LinkSigner.Link("PUT", "dropbox", Instant.now(), null, "alice"));
    Uploads.Stored stored = as(link).storeBody(upload("dropbox", 8, 8));
    assertEquals("alice (link)", stored.file().getModifiedBy());
    assertProblem(Problem.QUOTA_EXCEEDED, () -> alice.storeBody(upload("mine", 3, 3)));
    alice.storeBody(upload("dropbox", 9, 9)); // her own replace of her link's file: only the growth
  }

  @Test
  void concurrentUploadsOfOneUserCannotTogetherPassTheQuota() {
    settings.quotaBytes = 10;
    QuotaAdmission.Ticket first = quotas.admit(ALICE, "p1", 6);
    assertProblem(Problem.QUOTA_EXCEEDED, () -> quotas.admit(ALICE, "p2", 6));
    assertEquals(new Quota.Usage(6, 1), quotas.reserved("alice"));
    quotas.admit(BOB, "p3", 6).close(); // bob has his own quota
    first.close();
    quotas.admit(ALICE, "p2", 6).close();
    assertEquals(Quota.Usage.NONE, quotas.reserved("alice"));
  }

  @Test
  void whatCommitsWhileAnotherUploadRunsCountsForThatUpload() throws IOException {
    settings.quotaBytes = 10;
    try (QuotaAdmission.Ticket running = quotas.admit(ALICE, "long", -1)) {
      alice.storeBody(upload("quick", 8, 8)); // committed after "long" read the database's usage
      InputStream body = running.watch(new ByteArrayInputStream(new byte[3]));
      assertProblem(Problem.QUOTA_EXCEEDED, () -> body.readAllBytes());
    }
  }

  @Test
  void theRowIsCheckedAgainWhenTheUploadIsPublished() {
    settings.namedQuotas.put("depot.quota.user.alice.bytes", "10");
    alice.storeBody(upload("mine", 8, 8));
    QuotaAdmission.Ticket ticket = quotas.admit(ALICE, "mine", 9); // a replace: 1 byte of growth
    as(BOB).storeBody(upload("mine", 1, 1)); // meanwhile bob takes the path over: alice's usage drops to 0
    // now alice's 9 bytes are a new file of hers, and her usage is read again: 0 + 9 <= 10
    ticket.settle(rows.findByPath("mine"), 9);
    ticket.close();
    alice.storeBody(upload("other", 8, 8));
    QuotaAdmission.Ticket again = quotas.admit(ALICE, "other", 9);
    as(BOB).storeBody(upload("other", 1, 1));
    alice.storeBody(upload("third", 5, 5));
    assertProblem(Problem.QUOTA_EXCEEDED, () -> again.settle(rows.findByPath("other"), 9)); // 5 + 9 > 10
    again.close();
    assertEquals(Quota.Usage.NONE, quotas.reserved("alice"));
  }

  @Test
  void adminsAndUsersWithoutALimitAreNotChecked() {
    settings.quotaBytes = 10;
    Caller admin = Caller.user("root", Set.of(Caller.ROLE_ADMIN), Caller.Via.BASIC);
    as(admin).storeBody(upload("root.bin", 100, 100));
    settings.namedQuotas.put("depot.quota.user.alice.bytes", "unlimited");
    alice.storeBody(upload("alice.bin", 100, -1));
  }

  @Test
  void eachMultipartPartIsCheckedAsItIsStoredAndEarlierPartsStay() {
    settings.quotaBytes = 100;
    MultipartUploads multipart = new MultipartUploads();
    multipart.uploads = alice;
    multipart.settings = settings;
    multipart.admission = alice.admission;
    RefusedInRequest refused = new RefusedInRequest();
    multipart.access = AccessPolicy.forCaller(settings, ALICE, refused);
    multipart.slots = alice.slots;
    String boundary = "q-boundary";
    String body = part(boundary, "first.bin", 60) + part(boundary, "second.bin", 60) + "--" + boundary + "--\r\n";

    assertProblem(Problem.QUOTA_EXCEEDED, () -> multipart.storeAll(new MultipartUploads.Body(
        new ByteArrayInputStream(body.getBytes(StandardCharsets.ISO_8859_1)), "multipart/form-data; boundary=" + boundary, body.length())));

    assertTrue(rows.findByPath("first.bin").isPresent());
    assertNothingAt("second.bin");
    assertEquals(java.util.Optional.of("second.bin"), refused.path(), "the audit's path for the refusal");
    assertEquals(0, alice.slots.inProgress("alice"));
  }

  private static String part(String boundary, String filename, int size) {
    return "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + filename + "\"\r\n"
        + "Content-Type: application/octet-stream\r\n\r\n" + "x".repeat(size) + "\r\n";
  }

  private static Uploads.Upload upload(String key, int size, long declared) {
    return new Uploads.Upload(key, new ByteArrayInputStream(new byte[size]), null, null, declared);
  }

  private void assertNothingAt(String key) {
    assertTrue(rows.findByPath(key).isEmpty(), "no row for " + key);
    assertFalse(Files.exists(root.resolve(key)), "no file for " + key);
    try (Stream<Path> files = Files.list(settings.tempDir())) {
      assertEquals(List.of(), files.filter(f -> !f.getFileName().toString().startsWith(".depot-")).toList(), "no staged file");
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private static final class Counting extends FilterInputStream {
    long count;

    Counting(InputStream in) {
      super(in);
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = in.read(b, off, len);
      if (n > 0) {
        count += n;
      }
      return n;
    }
  }
}
