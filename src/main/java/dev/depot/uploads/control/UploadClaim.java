package dev.depot.uploads.control;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A request's claim on a resumable upload, held in the database (issue 16): the one writer of the
 * upload's bytes on any instance, so that consecutive PATCHes may land on different instances behind a
 * balancer, and two at once never interleave. The in-memory flag of {@link ResumableUploads} still
 * turns away a second request on the same instance without asking the database.
 *
 * <p>The claim is a lease of {@link #LEASE}, renewed while the request reads its body, at most every
 * {@link #RENEW_EVERY}: the claim of an instance that died runs out by itself and the client's retry
 * (on another instance) takes it over. A writer that could not renew in time (its lease ran out and
 * someone else took the upload) stops before writing another byte: the renewal is checked after each
 * read of the body and before its bytes are handed on.
 */
final class UploadClaim implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(UploadClaim.class.getName());

  /**
   * How long a claim lasts unless renewed: three renewals, and short, because a claim left by a crash
   * (of the only instance, too) keeps the upload locked (423, which tus clients retry) that long after
   * it.
   */
  static final Duration LEASE = Duration.ofSeconds(30);

  /** How often a writer renews while it reads. */
  static final Duration RENEW_EVERY = Duration.ofSeconds(10);

  private final ResumableUploadRecords records;
  private final String id;
  private final String token = UUID.randomUUID().toString();
  private volatile long renewedAt;

  private UploadClaim(ResumableUploadRecords records, String id) {
    this.records = records;
    this.id = id;
  }

  /** The claim, or empty if another request (here or on another instance) holds the upload. */
  static Optional<UploadClaim> take(ResumableUploadRecords records, String id) {
    UploadClaim claim = new UploadClaim(records, id);
    return claim.renew() ? Optional.of(claim) : Optional.empty();
  }

  private boolean renew() {
    long now = System.currentTimeMillis();
    boolean held = records.claim(id, token, now, now + LEASE.toMillis());
    renewedAt = now;
    return held;
  }

  /** The request's body, which renews the claim as it is read and fails once the claim is lost. */
  InputStream guard(InputStream body) {
    return new FilterInputStream(body) {
      @Override
      public int read() throws IOException {
        int b = super.read();
        keep();
        return b;
      }

      @Override
      public int read(byte[] buffer, int offset, int length) throws IOException {
        int n = super.read(buffer, offset, length);
        keep();
        return n;
      }
    };
  }

  private void keep() throws IOException {
    if (System.currentTimeMillis() - renewedAt < RENEW_EVERY.toMillis()) {
      return;
    }
    boolean held;
    try {
      held = renew();
    } catch (RuntimeException e) {
      throw new IOException("The upload's claim could not be renewed", e);
    }
    if (!held) {
      throw new IOException("Another request took this upload over after this one's claim ran out");
    }
  }

  @Override
  public void close() {
    try {
      records.release(id, token);
    } catch (RuntimeException e) {
      LOG.log(Level.FINE, "The claim of upload " + id + " was not released; its lease runs out by itself", e);
    }
  }
}
