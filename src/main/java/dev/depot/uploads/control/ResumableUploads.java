package dev.depot.uploads.control;

import dev.depot.access.control.AccessPolicy;
import dev.depot.access.control.Caller;
import dev.depot.access.control.Permission;
import dev.depot.access.control.UploadSlots;
import dev.depot.config.DepotSettings;
import dev.depot.files.control.MinimumRate;
import dev.depot.files.control.Uploads;
import dev.depot.problem.DepotException;
import dev.depot.problem.Problem;
import dev.depot.storage.control.FileSystemBlobStore;
import dev.depot.storage.control.PartialFiles;
import dev.depot.storage.control.SpaceAdmission;
import dev.depot.storage.control.StagedBlob;
import dev.depot.storage.control.StoragePaths;
import dev.depot.storage.control.WritePrecondition;
import dev.depot.uploads.entity.ResumableUpload;
import dev.depot.uploads.entity.ResumableUpload.Concat;
import dev.depot.uploads.entity.ResumableUpload.State;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Resumable uploads (tus 1.0, issue 14): create, append at an offset, report, terminate, complete. The
 * row ({@link ResumableUpload}) is the upload's state and moves only after the bytes it counts are on
 * disk; the bytes live in the store's {@link PartialFiles}; a complete upload is published through
 * {@link Uploads#publishStaged}, the very path a {@code PUT} takes (atomic rename, path lock,
 * preconditions, quota, the row committed or the publish undone).
 *
 * <p>One writer at a time per upload, on every instance: a claim in the database ({@link UploadClaim});
 * a second concurrent request is refused with 423, never interleaved. In memory, per upload and per
 * server: a flag that refuses a second request here without asking the database, the running SHA-256 at the committed offset (so completion never
 * reads the file again; after a restart it is rebuilt once by reading the received prefix), and the
 * free-space reservation of the bytes still to come.
 */
@ApplicationScoped
public class ResumableUploads {

  private static final Logger LOG = Logger.getLogger(ResumableUploads.class.getName());

  /** The most partial uploads one final upload may join (the row's column holds their ids). */
  public static final int MAX_PARTS = 200;

  @Inject DepotSettings settings;
  @Inject ResumableUploadRecords records;
  @Inject Uploads uploads;
  @Inject AccessPolicy access;
  @Inject UploadSlots slots;
  @Inject SpaceAdmission space;
  @Inject dev.depot.storage.control.Stores stores;
  @Inject dev.depot.files.control.QuotaAdmission quotas;

  private final Map<String, Live> live = new ConcurrentHashMap<>();

  /** What this server holds for an upload between requests. */
  private static final class Live {
    /** Taken by the one request that may touch the upload's bytes. */
    final java.util.concurrent.atomic.AtomicBoolean busy = new java.util.concurrent.atomic.AtomicBoolean();
    /** The SHA-256 of the first {@link #digestOffset} bytes (-1: not known here). */
    long digestOffset = -1;
    MessageDigest digest;
    /** Free space held for the bytes still to come (null for a deferred length, or after a restart). */
    SpaceAdmission.Ticket space;
  }

  /** What a request asks to create. */
  public record Creation(Long length, UploadMetadata metadata, Concat concat, List<String> parts) {}

  /** The upload after a PATCH, and the stored file's row when that PATCH completed it. */
  public record Patched(ResumableUpload upload, Uploads.Stored stored) {}

  /**
   * Creates an upload (a final upload of the concatenation extension is assembled and published at
   * once). Everything a later publish would refuse is refused here, before a byte is received.
   */
  public ResumableUpload create(Creation creation) {
    Caller caller = access.caller();
    long max = settings.maxFileSize();
    if (creation.concat() == Concat.FINAL) {
      return createFinal(creation, caller, max);
    }
    Long length = creation.length();
    if (length != null && length > max) {
      throw new DepotException(Problem.UPLOAD_TOO_LARGE, "The file is larger than the limit of " + max + " bytes.");
    }
    Target target = target(creation.metadata(), creation.concat(), length == null ? -1 : length);
    FileSystemBlobStore store = uploads.currentStore();
    String id = UUID.randomUUID().toString();
    Live state = new Live();
    if (length != null && length > 0) {
      state.space = space.admit(store.attachment().root(), length, max); // 507 before anything is made
    }
    PartialFiles partials = store.partials();
    Instant now = Instant.now();
    ResumableUpload row = new ResumableUpload(id, caller.actor(), target.key(), store.id(), length, creation.metadata().header(),
        target.contentType(), target.filename(), target.createOnly(), creation.concat(), null, now, now.plus(settings.uploadsExpireAfter()));
    try {
      partials.create(id);
      records.insert(row);
    } catch (RuntimeException e) {
      partials.delete(id);
      close(state);
      throw e;
    }
    state.digest = FileSystemBlobStore.sha256();
    state.digestOffset = 0;
    live.put(id, state);
    if (length != null && length == 0) {
      // the row as committed (the providers differ in whether the inserted object learns its version)
      return complete(records.find(id).orElseThrow(), 0, store, partials, state, FileSystemBlobStore.sha256()).upload();
    }
    return row;
  }

  /**
   * Appends a PATCH's body at {@code offset}.
   *
   * @param declaredLength the {@code Upload-Length} sent with this PATCH (a deferred length), or null
   * @param checksum the chunk's {@code Upload-Checksum}, or null
   */
  public Patched append(String id, long offset, Long declaredLength, InputStream body, UploadChecksum checksum) {
    ResumableUpload row = owned(id);
    if (row.getConcat() == Concat.FINAL) {
      throw new DepotException(Problem.FORBIDDEN, "A final upload is made of its partial uploads and takes no bytes of its own.");
    }
    if (row.getTargetPath() != null) {
      access.require(Permission.WRITE, row.getTargetPath()); // grants may have changed since it was created
    }
    Live state = live.computeIfAbsent(id, k -> new Live());
    if (!state.busy.compareAndSet(false, true)) {
      throw new DepotException(Problem.UPLOAD_LOCKED, "Another request is writing to this upload; try again when it has ended.");
    }
    SpaceAdmission.Ticket chunkSpace = null;
    try (UploadSlots.Slot slot = slots.acquire(access.caller()); UploadClaim claim = claim(id)) {
      row = owned(id); // as it is now that this request holds the upload
      if (offset != row.getOffset()) {
        throw new DepotException(Problem.UPLOAD_OFFSET_MISMATCH,
            "The upload is at offset " + row.getOffset() + ", not " + offset + ".");
      }
      Long length = row.getLength();
      if (declaredLength != null) {
        length = declare(row, declaredLength);
      }
      if (row.getState() != State.ACTIVE) {
        return new Patched(row, null); // complete: nothing more to take (the offset matched, so the body is empty)
      }
      long max = settings.maxFileSize();
      FileSystemBlobStore store = stores.holding(row.getStoreId());
      PartialFiles partials = store.partials();
      SpaceAdmission.Ticket ticket = state.space;
      if (ticket == null) {
        // After a restart (or with a deferred length): admit what is still to come, for this request.
        chunkSpace = space.admit(store.attachment().root(), length == null ? -1 : length - offset, max);
        ticket = chunkSpace;
      }
      if (state.digestOffset != offset) {
        state.digest = partials.digestOf(id, offset); // once after a restart: read the received prefix again
        state.digestOffset = offset;
      }
      MessageDigest running = copy(state.digest);
      InputStream watched = ticket.watch(slowIsABreak(MinimumRate.guard(claim.guard(body), settings.minTransferRate(), settings.minTransferRateWindow())));
      long room = (length == null ? max : length) - offset;
      PartialFiles.Appended appended;
      try {
        appended = partials.append(id, offset, watched, room, running,
            checksum == null ? List.of() : List.of(checksum.digest()), checksum == null);
      } catch (IOException e) {
        throw new DepotException(Problem.UPLOAD_INCOMPLETE, "The chunk ended before it was complete; it was not kept.", e);
      }
      if (checksum != null && !checksum.matches()) {
        partials.truncate(id, offset);
        throw new DepotException(Problem.CHECKSUM_MISMATCH, "The chunk does not match its Upload-Checksum; it was not kept.");
      }
      long reached = offset + appended.bytes();
      if (length != null && reached == length) {
        return complete(row, length, store, partials, state, running);
      }
      Long newLength = length;
      Instant expires = Instant.now().plus(settings.uploadsExpireAfter());
      ResumableUpload moved = records.update(id, row.getVersion(), r -> {
        r.setOffset(reached);
        if (newLength != null && r.getLength() == null) {
          r.setLength(newLength);
        }
        r.setExpires(expires);
      }).orElseThrow(() -> new DepotException(Problem.UPLOAD_OFFSET_MISMATCH, "The upload changed while this chunk was written."));
      state.digest = running;
      state.digestOffset = reached;
      if (appended.broken() != null) {
        // The bytes that arrived are kept and counted (the point of resuming); the client learns the
        // offset with HEAD.
        if (appended.broken().getCause() instanceof DepotException slow) {
          throw slow;
        }
        throw new DepotException(Problem.UPLOAD_INCOMPLETE, "The chunk broke off after " + appended.bytes() + " bytes; they were kept.",
            appended.broken());
      }
      return new Patched(moved, null);
    } finally {
      if (chunkSpace != null) {
        chunkSpace.close();
      }
      state.busy.set(false);
    }
  }

  /** The upload as its owner may see it ({@code HEAD}). */
  public ResumableUpload status(String id) {
    return owned(id);
  }

  /** Ends an upload and deletes its received bytes ({@code DELETE}, the termination extension). */
  public void terminate(String id) {
    ResumableUpload row = owned(id);
    Live state = live.computeIfAbsent(id, k -> new Live());
    if (!state.busy.compareAndSet(false, true)) {
      throw new DepotException(Problem.UPLOAD_LOCKED, "Another request is writing to this upload; try again when it has ended.");
    }
    try (UploadClaim claim = claim(id)) {
      remove(row);
    } finally {
      state.busy.set(false);
      live.remove(id, state);
    }
  }

  /** This request's claim on the upload in the database: 423 while another request, on any instance, holds it. */
  private UploadClaim claim(String id) {
    return UploadClaim.take(records, id).orElseThrow(() -> new DepotException(Problem.UPLOAD_LOCKED,
        "Another request is writing to this upload (perhaps on another instance); try again when it has ended."));
  }

  /**
   * Removes uploads idle past their expiry with their bytes; skips any a request is working on. Returns
   * how many it removed.
   */
  public int sweepExpired(Instant now, int max) {
    int removed = 0;
    for (String id : records.expired(now, max)) {
      Live state = live.computeIfAbsent(id, k -> new Live());
      if (!state.busy.compareAndSet(false, true)) {
        continue; // a live request: never touched
      }
      Optional<UploadClaim> claim = UploadClaim.take(records, id);
      try {
        Optional<ResumableUpload> row = records.find(id);
        if (claim.isPresent() && row.isPresent() && row.get().getExpires().isBefore(now)) {
          remove(row.get()); // not while a request on another instance writes to it
          removed++;
        }
      } finally {
        claim.ifPresent(UploadClaim::close);
        state.busy.set(false);
        live.remove(id, state);
      }
    }
    return removed;
  }

  /**
   * Lets go of what this server holds for uploads another instance completed or removed since (above
   * all their free-space reservation, which would otherwise shrink what this server admits until it
   * restarts); run by the sweeper. Returns how many it let go.
   */
  public int pruneLive() {
    int pruned = 0;
    for (Map.Entry<String, Live> entry : live.entrySet()) {
      Live state = entry.getValue();
      if (!state.busy.compareAndSet(false, true)) {
        continue; // a request here is working on it
      }
      try {
        Optional<ResumableUpload> row = records.find(entry.getKey());
        if (row.isEmpty() || row.get().getState() != State.ACTIVE) {
          close(state);
          live.remove(entry.getKey(), state);
          pruned++;
        }
      } finally {
        state.busy.set(false);
      }
    }
    return pruned;
  }

  /**
   * Deletes upload files in the current store that have no row and were last written before {@code
   * cutoff}: left by a crash between making the file and committing its row.
   */
  public int sweepOrphans(Instant cutoff) {
    FileSystemBlobStore store = uploads.currentStore();
    PartialFiles partials = store.partials();
    java.util.Set<String> known = new java.util.HashSet<>(records.idsInStore(store.id()));
    int removed = 0;
    for (String id : partials.ids()) {
      if (!known.contains(id) && !live.containsKey(id) && partials.modifiedBefore(id, cutoff) && records.find(id).isEmpty()) {
        partials.delete(id);
        removed++;
      }
    }
    return removed;
  }

  // --- completion -------------------------------------------------------------------------------

  /** {@code length}: the row's, or the one the completing PATCH declared (a deferred length). */
  private Patched complete(ResumableUpload row, long length, FileSystemBlobStore store, PartialFiles partials, Live state,
      MessageDigest running) {
    String sha256 = HexFormat.of().formatHex(running.digest());
    if (row.getConcat() == Concat.PARTIAL) {
      ResumableUpload done = finish(row, length, sha256);
      close(state);
      return new Patched(done, null);
    }
    Uploads.Stored stored;
    try (StagedBlob staged = partials.stage(row.getId(), length, sha256)) {
      stored = uploads.publishStaged(row.getTargetPath(), store, staged, row.getContentType(), row.getOriginalFilename(),
          row.isCreateOnly() ? WritePrecondition.CREATE_ONLY : WritePrecondition.NONE);
    }
    // Published and recorded: the upload's own file goes (the published file keeps the bytes), then its row says so.
    partials.delete(row.getId());
    close(state);
    live.remove(row.getId(), state);
    ResumableUpload done = finish(row, length, sha256);
    return new Patched(done, stored);
  }

  private ResumableUpload finish(ResumableUpload row, long length, String sha256) {
    Instant expires = Instant.now().plus(settings.uploadsExpireAfter());
    return records.update(row.getId(), row.getVersion(), r -> {
      r.setLength(length);
      r.setOffset(length);
      r.setState(State.COMPLETE);
      r.setSha256(sha256);
      r.setExpires(expires);
    }).orElseThrow(() -> new DepotException(Problem.UPLOAD_OFFSET_MISMATCH, "The upload changed while it was completed."));
  }

  private ResumableUpload createFinal(Creation creation, Caller caller, long max) {
    if (creation.parts().isEmpty() || creation.parts().size() > MAX_PARTS) {
      throw new DepotException(Problem.INVALID_PARAMETER, "A final upload names 1 to " + MAX_PARTS + " partial uploads.");
    }
    List<ResumableUpload> parts = new ArrayList<>();
    long total = 0;
    for (String partId : creation.parts()) {
      ResumableUpload part = owned(partId);
      if (part.getConcat() != Concat.PARTIAL || part.getState() != State.COMPLETE) {
        throw new DepotException(Problem.INVALID_PARAMETER, "Upload " + partId + " is not a complete partial upload.");
      }
      total += part.getLength();
      parts.add(part);
    }
    if (total > max) {
      throw new DepotException(Problem.UPLOAD_TOO_LARGE, "The file is larger than the limit of " + max + " bytes.");
    }
    Target target = target(creation.metadata(), Concat.FINAL, total);
    String storeId = parts.get(0).getStoreId();
    if (parts.stream().anyMatch(p -> !p.getStoreId().equals(storeId))) {
      throw new DepotException(Problem.INVALID_PARAMETER, "The partial uploads were received into different stores.");
    }
    FileSystemBlobStore store = stores.holding(storeId);
    PartialFiles partials = store.partials();
    Instant now = Instant.now();
    String id = UUID.randomUUID().toString();
    Uploads.Stored stored;
    try (SpaceAdmission.Ticket room = space.admit(store.attachment().root(), total, max);
        StagedBlob staged = partials.concatenate(parts.stream().map(ResumableUpload::getId).toList(), max)) {
      stored = uploads.publishStaged(target.key(), store, staged, target.contentType(), target.filename(),
          target.createOnly() ? WritePrecondition.CREATE_ONLY : WritePrecondition.NONE);
    }
    ResumableUpload row = new ResumableUpload(id, caller.actor(), target.key(), storeId, total, creation.metadata().header(),
        target.contentType(), target.filename(), target.createOnly(), Concat.FINAL, String.join(" ", creation.parts()), now,
        now.plus(settings.uploadsExpireAfter()));
    row.setOffset(total);
    row.setState(State.COMPLETE);
    row.setSha256(stored.file().getSha256());
    records.insert(row);
    for (ResumableUpload part : parts) {
      partials.delete(part.getId());
      records.update(part.getId(), part.getVersion(), r -> r.setState(State.CONSUMED));
    }
    return row;
  }

  // --- helpers ----------------------------------------------------------------------------------

  /** Where a creation's file goes and how, checked as a PUT would be. */
  private record Target(String key, String contentType, String filename, boolean createOnly) {}

  private Target target(UploadMetadata metadata, Concat concat, long length) {
    if (concat == Concat.PARTIAL) {
      access.requireSomewhere(Permission.WRITE); // a partial goes nowhere by itself; its final upload is checked
      return new Target(null, null, null, false);
    }
    Optional<String> path = metadata.get("path");
    Optional<String> filename = metadata.get("filename");
    String key;
    if (path.isPresent()) {
      key = StoragePaths.key(path.get());
    } else if (filename.isPresent()) {
      key = StoragePaths.join(metadata.get("dir").orElse(""), StoragePaths.baseName(filename.get()));
    } else {
      throw new DepotException(Problem.INVALID_PATH, "Upload-Metadata must name a 'filename' (with an optional 'dir') or a 'path'.");
    }
    access.require(Permission.WRITE, key);
    String ifNoneMatch = metadata.get("ifNoneMatch").orElse(null);
    if (ifNoneMatch != null && !ifNoneMatch.equals("*")) {
      throw new DepotException(Problem.INVALID_PARAMETER, "The only ifNoneMatch value is '*' (create only).");
    }
    boolean createOnly = ifNoneMatch != null;
    String contentType = Uploads.contentType(metadata.get("filetype").or(() -> metadata.get("contentType")).orElse(null));
    String checked = uploads.checkTarget(key, contentType, length, createOnly ? WritePrecondition.CREATE_ONLY : WritePrecondition.NONE);
    try (var quota = quotas.admit(access.caller(), checked, length)) {
      // fits the caller's quota now; settled again at completion, against what is stored then
    }
    String original = filename.orElse(null);
    if (original != null && original.length() > 1024) {
      original = original.substring(0, 1024);
    }
    return new Target(checked, contentType, original, createOnly);
  }

  /** A deferred length declared now: at least what was received, within the limit; never changed once known. */
  private Long declare(ResumableUpload row, long declared) {
    if (row.getLength() != null) {
      if (row.getLength() != declared) {
        throw new DepotException(Problem.INVALID_PARAMETER, "The upload's length is " + row.getLength() + " and cannot change.");
      }
      return declared;
    }
    long max = settings.maxFileSize();
    if (declared > max) {
      throw new DepotException(Problem.UPLOAD_TOO_LARGE, "The file is larger than the limit of " + max + " bytes.");
    }
    if (declared < row.getOffset()) {
      throw new DepotException(Problem.INVALID_PARAMETER, "The declared length is less than what was received.");
    }
    return declared;
  }

  /** The upload {@code id} if it exists, has not expired and belongs to the caller; else 404 or 410. */
  private ResumableUpload owned(String id) {
    Optional<ResumableUpload> found = PartialFiles.isId(id) ? records.find(id) : Optional.empty();
    Caller caller = access.caller();
    if (found.isEmpty() || !caller.authenticated() || !found.get().getOwner().equals(caller.actor())) {
      if (!caller.authenticated()) {
        access.requireAuthenticated();
      }
      // Another user's upload is not there for this caller: the same answer as one that never was.
      throw new DepotException(Problem.NOT_FOUND, "No such upload.");
    }
    if (found.get().getExpires().isBefore(Instant.now())) {
      throw new DepotException(Problem.UPLOAD_GONE, "The upload expired.");
    }
    return found.get();
  }

  private void remove(ResumableUpload row) {
    records.delete(row.getId());
    if (row.getState() == State.ACTIVE || row.getState() == State.COMPLETE && row.getConcat() == Concat.PARTIAL) {
      try {
        stores.holding(row.getStoreId()).partials().delete(row.getId());
      } catch (DepotException e) {
        LOG.log(Level.WARNING, "The bytes of upload " + row.getId() + " could not be deleted now; the orphan sweep will", e);
      }
    }
    Live state = live.get(row.getId());
    if (state != null) {
      close(state);
    }
  }

  /**
   * A body cut off for arriving too slowly ends like one that broke off: what arrived is kept (the
   * PUT path throws its 408 away with the whole body; here the bytes are the point).
   */
  private static InputStream slowIsABreak(InputStream guarded) {
    return new java.io.FilterInputStream(guarded) {
      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        try {
          return in.read(b, off, len);
        } catch (DepotException e) {
          throw new IOException(e.detail(), e);
        }
      }

      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) == -1 ? -1 : one[0] & 0xff;
      }
    };
  }

  private static void close(Live state) {
    if (state.space != null) {
      state.space.close();
      state.space = null;
    }
  }

  private static MessageDigest copy(MessageDigest digest) {
    try {
      return (MessageDigest) digest.clone();
    } catch (CloneNotSupportedException e) {
      throw new IllegalStateException("SHA-256 state cannot be copied", e);
    }
  }
}
