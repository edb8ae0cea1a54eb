package dev.depot.uploads.control;

import static dev.depot.problem.Problems.assertProblem;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depot.access.control.AccessPolicy;
import dev.depot.access.control.Caller;
import dev.depot.access.control.Quotas;
import dev.depot.access.control.UploadSlots;
import dev.depot.config.FixedSettings;
import dev.depot.files.control.QuotaAdmission;
import dev.depot.files.control.Uploads;
import dev.depot.files.control.UploadsFixture;
import dev.depot.problem.Problem;
import dev.depot.storage.control.PartialFiles;
import dev.depot.storage.control.StorageFixture;
import dev.depot.uploads.entity.ResumableUpload;
import dev.depot.uploads.entity.ResumableUpload.Concat;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tus engine without a server: offsets, checksums, breaks, restarts, locking, expiry, concatenation. */
class ResumableUploadsTest {

  static final Caller ALICE = Caller.user("alice", Set.of(Caller.ROLE_WRITER), Caller.Via.BASIC);
  static final Caller BOB = Caller.user("bob", Set.of(Caller.ROLE_WRITER), Caller.Via.BASIC);

  @TempDir Path root;
  FixedSettings settings;
  StorageFixture storage;
  InMemoryResumableUploadRecords records;
  ResumableUploads cut;
  ExecutorService threads = Executors.newCachedThreadPool();

  @BeforeEach
  void init() {
    settings = new FixedSettings(root);
    storage = new StorageFixture(settings);
    records = new InMemoryResumableUploadRecords();
    cut = wire(ALICE);
  }

  @AfterEach
  void stop() {
    threads.shutdownNow();
  }

  /** The engine as CDI wires it, for {@code caller}; a second one over the same rows and disk is a restarted server. */
  ResumableUploads wire(Caller caller) {
    ResumableUploads uploads = new ResumableUploads();
    uploads.settings = settings;
    uploads.records = records;
    uploads.uploads = UploadsFixture.wire(storage, caller);
    uploads.access = AccessPolicy.forCaller(settings, caller);
    uploads.slots = UploadSlots.of(settings);
    uploads.space = storage.admission();
    uploads.stores = storage.stores;
    uploads.quotas = QuotaAdmission.of(Quotas.of(settings), storage.rows);
    return uploads;
  }

  @Test
  void chunksAppendAtTheirOffsetsAndTheLastPublishesTheFileWithItsSha256() throws IOException {
    byte[] data = bytes(3_000_000, 1);
    ResumableUpload upload = cut.create(creation((long) data.length, "filename", "big.bin", "dir", "in"));
    assertEquals("in/big.bin", upload.getTargetPath());

    ResumableUploads.Patched first = cut.append(upload.getId(), 0, null, slice(data, 0, 1_000_000), null);
    assertEquals(1_000_000, first.upload().getOffset());
    assertFalse(Files.exists(root.resolve("in/big.bin")), "not visible before it is complete");
    cut.append(upload.getId(), 1_000_000, null, slice(data, 1_000_000, 2_500_000), null);
    ResumableUploads.Patched last = cut.append(upload.getId(), 2_500_000, null, slice(data, 2_500_000, data.length), null);

    assertNotNull(last.stored());
    assertEquals(sha256(data), last.stored().file().getSha256());
    assertEquals(ResumableUpload.State.COMPLETE, last.upload().getState());
    assertArrayEquals(data, Files.readAllBytes(root.resolve("in/big.bin")));
    assertEquals(List.of(), partials().ids(), "the upload's own file is gone");
  }

  /**
   * Issue 16: another instance's request holds the upload (its claim in the database): this instance
   * neither writes, nor terminates, nor sweeps it, until that claim's lease has run out (the instance
   * died); then the next request takes it over and gives its own claim up when done.
   */
  @Test
  void anUploadClaimedByAnotherInstanceIsLockedUntilItsLeaseRunsOut() {
    byte[] data = bytes(10, 9);
    ResumableUpload upload = cut.create(creation(10L, "filename", "claimed.bin"));
    long future = System.currentTimeMillis() + 60_000;
    records.claims.put(upload.getId(), new Object[] {"request-on-instance-b", future});

    assertProblem(Problem.UPLOAD_LOCKED, () -> cut.append(upload.getId(), 0, null, slice(data, 0, 4), null));
    assertProblem(Problem.UPLOAD_LOCKED, () -> cut.terminate(upload.getId()));
    records.expire(upload.getId(), Instant.now().minusSeconds(1));
    assertEquals(0, cut.sweepExpired(Instant.now(), 10), "not swept while another instance writes to it");
    assertEquals(0, records.find(upload.getId()).orElseThrow().getOffset());
    records.expire(upload.getId(), Instant.now().plusSeconds(3600)); // that instance's PATCH moved the expiry on

    records.claims.put(upload.getId(), new Object[] {"request-on-instance-b", System.currentTimeMillis() - 1}); // its lease ran out
    assertEquals(4, cut.append(upload.getId(), 0, null, slice(data, 0, 4), null).upload().getOffset());
    assertFalse(records.claims.containsKey(upload.getId()), "the claim is given up when the request ends");
  }

  @Test
  void theReservationOfAnUploadAnotherInstanceRemovedIsLetGoByTheSweep() {
    ResumableUpload upload = cut.create(creation(5_000L, "filename", "elsewhere.bin"));
    ResumableUpload other = cut.create(creation(7_000L, "filename", "here.bin"));
    assertEquals(12_000, cut.space.reserved());

    records.rows.remove(upload.getId()); // another instance completed or terminated it

    assertEquals(1, cut.pruneLive());
    assertEquals(7_000, cut.space.reserved(), "only the upload still active here keeps its reservation");
    assertEquals(0, cut.pruneLive());
    assertEquals(7_000, cut.append(other.getId(), 0, null, slice(bytes(7_000, 10), 0, 7_000), null).upload().getOffset());
  }

  @Test
  void aWrongOffsetIsAConflictAndChangesNothing() {
    ResumableUpload upload = cut.create(creation(10L, "filename", "f.bin"));
    cut.append(upload.getId(), 0, null, slice(bytes(10, 2), 0, 4), null);

    assertProblem(Problem.UPLOAD_OFFSET_MISMATCH, () -> cut.append(upload.getId(), 3, null, slice(bytes(10, 2), 3, 10), null));
    assertProblem(Problem.UPLOAD_OFFSET_MISMATCH, () -> cut.append(upload.getId(), 5, null, slice(bytes(10, 2), 5, 10), null));

    assertEquals(4, cut.status(upload.getId()).getOffset());
  }

  @Test
  void aChunkWithTheWrongChecksumIsNotKeptAndTheOffsetStays() throws Exception {
    byte[] data = bytes(600_000, 3);
    ResumableUpload upload = cut.create(creation((long) data.length, "filename", "c.bin"));
    cut.append(upload.getId(), 0, null, slice(data, 0, 200_000), checksum("sha1", Arrays.copyOfRange(data, 0, 200_000)));

    assertProblem(Problem.CHECKSUM_MISMATCH,
        () -> cut.append(upload.getId(), 200_000, null, slice(data, 200_000, 400_000), checksum("sha1", new byte[] {1, 2, 3})));

    assertEquals(200_000, cut.status(upload.getId()).getOffset());
    assertEquals(200_000, partials().size(upload.getId()), "the refused chunk's bytes were cut off");
    cut.append(upload.getId(), 200_000, null, slice(data, 200_000, 400_000), checksum("md5", Arrays.copyOfRange(data, 200_000, 400_000)));
    ResumableUploads.Patched done =
        cut.append(upload.getId(), 400_000, null, slice(data, 400_000, data.length), checksum("sha256", Arrays.copyOfRange(data, 400_000, data.length)));
    assertEquals(sha256(data), done.stored().file().getSha256(), "the refused chunk left no trace in the digest");
  }

  @Test
  void aChunkThatBreaksOffKeepsWhatArrivedAndTheUploadResumesFromThere() throws IOException {
    byte[] data = bytes(2_000_000, 4);
    ResumableUpload upload = cut.create(creation((long) data.length, "filename", "b.bin"));

    assertProblem(Problem.UPLOAD_INCOMPLETE, () -> cut.append(upload.getId(), 0, null, breaking(data, 700_000), null));

    long offset = cut.status(upload.getId()).getOffset();
    assertEquals(700_000, offset, "every byte that arrived is kept and counted");
    ResumableUploads.Patched done = cut.append(upload.getId(), offset, null, slice(data, (int) offset, data.length), null);
    assertEquals(sha256(data), done.stored().file().getSha256());
    assertArrayEquals(data, Files.readAllBytes(root.resolve("b.bin")));
  }

  @Test
  void aChunkWithAChecksumIsAllOrNothingWhenItBreaksOff() {
    byte[] data = bytes(1_000_000, 5);
    ResumableUpload upload = cut.create(creation((long) data.length, "filename", "all.bin"));

    assertProblem(Problem.UPLOAD_INCOMPLETE,
        () -> cut.append(upload.getId(), 0, null, breaking(data, 600_000), checksum("sha1", Arrays.copyOfRange(data, 0, 1_000_000))));

    assertEquals(0, cut.status(upload.getId()).getOffset());
    assertEquals(0, partials().size(upload.getId()));
  }

  @Test
  void afterARestartTheDigestIsRebuiltFromTheReceivedBytesAndAnUncommittedTailIsCut() throws IOException {
    byte[] data = bytes(1_500_000, 6);
    ResumableUpload upload = cut.create(creation((long) data.length, "filename", "r.bin"));
    cut.append(upload.getId(), 0, null, slice(data, 0, 500_000), null);
    // A crash after bytes were written but before their offset was committed: a tail of garbage.
    Files.write(partialFile(upload.getId()), new byte[] {9, 9, 9}, java.nio.file.StandardOpenOption.APPEND);

    ResumableUploads restarted = wire(ALICE);
    assertEquals(500_000, restarted.status(upload.getId()).getOffset());
    ResumableUploads.Patched done = restarted.append(upload.getId(), 500_000, null, slice(data, 500_000, data.length), null);

    assertEquals(sha256(data), done.stored().file().getSha256());
    assertArrayEquals(data, Files.readAllBytes(root.resolve("r.bin")));
  }

  @Test
  void aSecondWriterIsRefusedWhileTheFirstIsWriting() throws Exception {
    ResumableUpload upload = cut.create(creation(1_000L, "filename", "lock.bin"));
    CountDownLatch reading = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    InputStream held = new InputStream() {
      int sent;

      @Override
      public int read() throws IOException {
        if (sent == 10) {
          reading.countDown();
          try {
            release.await(30, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            throw new IOException(e);
          }
          return -1;
        }
        sent++;
        return 'a';
      }
    };
    Future<ResumableUploads.Patched> first = threads.submit(() -> cut.append(upload.getId(), 0, null, held, null));
    assertTrue(reading.await(30, TimeUnit.SECONDS));

    assertProblem(Problem.UPLOAD_LOCKED, () -> cut.append(upload.getId(), 0, null, slice(bytes(1000, 7), 0, 10), null));
    assertProblem(Problem.UPLOAD_LOCKED, () -> cut.terminate(upload.getId()));
    assertEquals(0, cut.sweepExpired(Instant.now().plusSeconds(365L * 86400), 10), "the sweeper never touches a live upload");

    release.countDown();
    assertEquals(10, first.get(30, TimeUnit.SECONDS).upload().getOffset());
    assertEquals(10, cut.status(upload.getId()).getOffset());
  }

  @Test
  void terminationRemovesTheRowAndTheBytes() {
    ResumableUpload upload = cut.create(creation(100L, "filename", "t.bin"));
    cut.append(upload.getId(), 0, null, slice(bytes(100, 8), 0, 50), null);

    cut.terminate(upload.getId());

    assertTrue(records.find(upload.getId()).isEmpty());
    assertEquals(-1, partials().size(upload.getId()));
    assertProblem(Problem.NOT_FOUND, () -> cut.status(upload.getId()));
  }

  @Test
  void anExpiredUploadIsGoneThenSweptWithItsBytes() {
    ResumableUpload upload = cut.create(creation(100L, "filename", "e.bin"));
    cut.append(upload.getId(), 0, null, slice(bytes(100, 9), 0, 50), null);
    records.expire(upload.getId(), Instant.now().minusSeconds(1));

    assertProblem(Problem.UPLOAD_GONE, () -> cut.status(upload.getId()));
    assertProblem(Problem.UPLOAD_GONE, () -> cut.append(upload.getId(), 50, null, slice(bytes(100, 9), 50, 100), null));
    assertEquals(1, cut.sweepExpired(Instant.now(), 10));

    assertProblem(Problem.NOT_FOUND, () -> cut.status(upload.getId()));
    assertEquals(-1, partials().size(upload.getId()));
  }

  @Test
  void anotherUsersUploadIsNotThere() {
    ResumableUpload upload = cut.create(creation(10L, "filename", "mine.bin"));
    ResumableUploads asBob = wire(BOB);

    assertProblem(Problem.NOT_FOUND, () -> asBob.status(upload.getId()));
    assertProblem(Problem.NOT_FOUND, () -> asBob.append(upload.getId(), 0, null, slice(bytes(10, 1), 0, 10), null));
    assertProblem(Problem.NOT_FOUND, () -> asBob.terminate(upload.getId()));
    assertTrue(records.find(upload.getId()).isPresent());
  }

  @Test
  void overTheLimitIsRefusedAtCreationAndBeyondTheLengthAtAPatch() {
    settings.maxFileSize = 1000;
    assertProblem(Problem.UPLOAD_TOO_LARGE, () -> cut.create(creation(1001L, "filename", "big.bin")));

    ResumableUpload upload = cut.create(creation(100L, "filename", "ok.bin"));
    assertProblem(Problem.UPLOAD_TOO_LARGE, () -> cut.append(upload.getId(), 0, null, slice(bytes(101, 1), 0, 101), null));
    assertEquals(0, cut.status(upload.getId()).getOffset());
    assertEquals(0, partials().size(upload.getId()));
  }

  @Test
  void aBadPathIsRefusedAtCreation() {
    assertProblem(Problem.INVALID_PATH, () -> cut.create(creation(10L, "path", "../escape.bin")));
    assertProblem(Problem.INVALID_PATH, () -> cut.create(creation(10L, "dir", "x")));
    assertEquals(Map.of(), records.rows);
  }

  @Test
  void createOnlyFailsAtCreationWhenThePathExistsAndAtCompletionWhenItAppearedSince() throws IOException {
    UploadsFixture.wire(storage, ALICE).storeBody(new Uploads.Upload("taken.txt", new ByteArrayInputStream(new byte[] {1}), null, null, 1));
    assertProblem(Problem.PRECONDITION_FAILED, () -> cut.create(creation(3L, "filename", "taken.txt", "ifNoneMatch", "*")));

    ResumableUpload upload = cut.create(creation(3L, "filename", "later.txt", "ifNoneMatch", "*"));
    UploadsFixture.wire(storage, BOB).storeBody(new Uploads.Upload("later.txt", new ByteArrayInputStream("bob".getBytes(StandardCharsets.UTF_8)), null, null, 3));

    assertProblem(Problem.PRECONDITION_FAILED, () -> cut.append(upload.getId(), 0, null, slice("abc".getBytes(StandardCharsets.UTF_8), 0, 3), null));
    assertEquals("bob", Files.readString(root.resolve("later.txt")), "the file that appeared since stays");
  }

  @Test
  void aDeferredLengthIsDeclaredOnALaterPatch() {
    byte[] data = bytes(300_000, 10);
    ResumableUpload upload = cut.create(new ResumableUploads.Creation(null, meta("filename", "d.bin"), Concat.NONE, List.of()));
    assertEquals(null, upload.getLength());

    cut.append(upload.getId(), 0, null, slice(data, 0, 100_000), null);
    assertProblem(Problem.INVALID_PARAMETER, () -> cut.append(upload.getId(), 100_000, 50_000L, slice(data, 100_000, 100_000), null));
    ResumableUploads.Patched done = cut.append(upload.getId(), 100_000, (long) data.length, slice(data, 100_000, data.length), null);

    assertEquals(sha256(data), done.stored().file().getSha256());
  }

  @Test
  void partialUploadsConcatenateIntoOneFileWithTheWholeSha256() throws IOException {
    byte[] data = bytes(1_000_003, 11);
    ResumableUpload a = cut.create(new ResumableUploads.Creation(500_000L, UploadMetadata.NONE, Concat.PARTIAL, List.of()));
    ResumableUpload b = cut.create(new ResumableUploads.Creation(500_003L, UploadMetadata.NONE, Concat.PARTIAL, List.of()));
    cut.append(b.getId(), 0, null, slice(data, 500_000, data.length), null);
    assertProblem(Problem.INVALID_PARAMETER,
        () -> cut.create(new ResumableUploads.Creation(null, meta("filename", "whole.bin"), Concat.FINAL, List.of(a.getId(), b.getId()))));
    cut.append(a.getId(), 0, null, slice(data, 0, 500_000), null);

    ResumableUpload whole =
        cut.create(new ResumableUploads.Creation(null, meta("filename", "whole.bin"), Concat.FINAL, List.of(a.getId(), b.getId())));

    assertEquals(sha256(data), whole.getSha256());
    assertArrayEquals(data, Files.readAllBytes(root.resolve("whole.bin")));
    assertEquals(ResumableUpload.State.CONSUMED, records.find(a.getId()).orElseThrow().getState());
    assertEquals(List.of(), partials().ids());
  }

  @Test
  void freeSpaceIsReservedAtCreationAndReleasedAtTheEnd() {
    ResumableUpload upload = cut.create(creation(5_000L, "filename", "space.bin"));
    assertEquals(5_000, cut.space.reserved(), "the whole length is held from creation on");
    cut.append(upload.getId(), 0, null, slice(bytes(5_000, 12), 0, 2_000), null);
    assertEquals(3_000, cut.space.reserved(), "what arrived is on disk, no longer reserved");

    cut.terminate(upload.getId());
    assertEquals(0, cut.space.reserved());

    ResumableUpload done = cut.create(creation(10L, "filename", "space2.bin"));
    cut.append(done.getId(), 0, null, slice(bytes(10, 13), 0, 10), null);
    assertEquals(0, cut.space.reserved(), "released at completion");
  }

  @Test
  void anUploadThatDoesNotFitIsRefusedAtCreationWithNothingMade() {
    settings.minFreeSpace = Long.MAX_VALUE / 4;

    assertProblem(Problem.INSUFFICIENT_STORAGE, () -> cut.create(creation(10L, "filename", "full.bin")));

    assertEquals(Map.of(), records.rows);
    assertEquals(List.of(), partials().ids());
  }

  @Test
  void anEmptyUploadIsStoredAtCreation() throws IOException {
    ResumableUpload upload = cut.create(creation(0L, "filename", "empty.bin"));

    assertEquals(ResumableUpload.State.COMPLETE, upload.getState());
    assertEquals(0, Files.size(root.resolve("empty.bin")));
  }

  @Test
  void orphanFilesWithoutARowAreSweptOnlyOnceOld() throws IOException {
    PartialFiles partials = partials();
    String orphan = java.util.UUID.randomUUID().toString();
    partials.create(orphan);

    assertEquals(0, cut.sweepOrphans(Instant.now().minusSeconds(3600)));
    assertEquals(1, cut.sweepOrphans(Instant.now().plusSeconds(5)));
    assertEquals(-1, partials.size(orphan));
  }

  // --- helpers ----------------------------------------------------------------------------------

  private PartialFiles partials() {
    return storage.stores.current().partials();
  }

  private Path partialFile(String id) throws IOException {
    try (Stream<Path> files = Files.walk(root)) {
      return files.filter(p -> p.getFileName().toString().equals(id + ".part")).findFirst().orElseThrow();
    }
  }

  private static ResumableUploads.Creation creation(Long length, String... keyValues) {
    return new ResumableUploads.Creation(length, meta(keyValues), Concat.NONE, List.of());
  }

  private static UploadMetadata meta(String... keyValues) {
    StringBuilder header = new StringBuilder();
    for (int i = 0; i < keyValues.length; i += 2) {
      header.append(header.length() == 0 ? "" : ",").append(keyValues[i]).append(' ')
          .append(Base64.getEncoder().encodeToString(keyValues[i + 1].getBytes(StandardCharsets.UTF_8)));
    }
    return UploadMetadata.parse(header.toString());
  }

  private static UploadChecksum checksum(String algorithm, byte[] chunk) throws Exception {
    String name = UploadChecksum.ALGORITHMS.get(algorithm);
    return UploadChecksum.parse(algorithm + " " + Base64.getEncoder().encodeToString(MessageDigest.getInstance(name).digest(chunk)));
  }

  private static byte[] bytes(int n, long seed) {
    byte[] data = new byte[n];
    new java.util.SplittableRandom(seed).nextBytes(data);
    return data;
  }

  private static InputStream slice(byte[] data, int from, int to) {
    return new ByteArrayInputStream(data, from, to - from);
  }

  /** The first {@code n} bytes of {@code data}, then a connection reset. */
  private static InputStream breaking(byte[] data, int n) {
    return new InputStream() {
      int sent;

      @Override
      public int read() throws IOException {
        if (sent == n) {
          throw new IOException("connection reset");
        }
        return data[sent++] & 0xff;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        if (sent == n) {
          throw new IOException("connection reset");
        }
        int k = Math.min(len, Math.min(n - sent, 8192));
        System.arraycopy(data, sent, b, off, k);
        sent += k;
        return k;
      }
    };
  }

  private static String sha256(byte[] data) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
