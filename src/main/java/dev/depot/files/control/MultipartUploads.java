package dev.depot.files.control;

import dev.depot.access.control.AccessPolicy;
import dev.depot.access.control.Permission;
import dev.depot.access.control.UploadSlots;
import dev.depot.config.DepotSettings;
import dev.depot.problem.DepotException;
import dev.depot.problem.Problem;
import dev.depot.storage.control.SpaceAdmission;
import dev.depot.storage.control.StoragePaths;
import dev.depot.storage.control.WritePrecondition;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Streams a {@code multipart/form-data} body part by part, in order, writing each file part straight
 * to its destination through {@link Uploads}: no part is ever spooled to {@code java.io.tmpdir} or held
 * in memory, whatever its size.
 *
 * <p>Parser: Depot's own {@link MultipartReader} (issue 12). It replaced commons-fileupload2, whose
 * byte-at-a-time boundary search over a fixed 4 KiB buffer was half of the multipart path's CPU time
 * (docs/benchmarks.md); fileupload2 stays in the tests as the oracle the reader is compared with.
 * Neither mimepull (no header-size or part-count caps, temp files past a memory threshold, absent on
 * WildFly) nor the containers' own multipart support (spools to {@code java.io.tmpdir}) was an option.
 *
 * <p>Semantics of a request that fails half-way: parts are committed one by one, so files from parts
 * that completed before the failure stay stored (each with its row); the part being written when the
 * failure happened leaves nothing; later parts are not read.
 */
@ApplicationScoped
public class MultipartUploads {

  /** The form field that sets the directory of the file parts after it. */
  public static final String DIR_FIELD = "dir";

  @Inject Uploads uploads;
  @Inject DepotSettings settings;
  @Inject SpaceAdmission admission;
  @Inject AccessPolicy access;
  @Inject UploadSlots slots;

  /** The request as the boundary received it. */
  public record Body(InputStream stream, String contentType, long contentLength) {}

  /** Stores every file part at {@code {dir}/{filename}}, where {@code dir} is the last {@code dir} field before it. */
  public List<Uploads.Stored> storeAll(Body body) {
    List<Uploads.Stored> stored = new ArrayList<>();
    parse(
        body,
        new PartHandler() {
          private String dir = "";

          @Override
          public void field(String name, String value) {
            if (DIR_FIELD.equals(name)) {
              dir = value.isEmpty() ? "" : StoragePaths.key(value.endsWith("/") ? value.substring(0, value.length() - 1) : value);
            }
          }

          @Override
          public boolean file(FormPart part) throws IOException {
            stored.add(storePart(part, dir));
            return true;
          }
        });
    if (stored.isEmpty()) {
      throw new DepotException(Problem.MISSING_FILE_PART, "The request has no file part.");
    }
    return stored;
  }

  /**
   * Stores the first file part named {@code fieldName} at the top of the results directory; other
   * parts are read past. For the seed-compatible {@code /upload} endpoint.
   *
   * @throws DepotException MISSING_FILE_PART if there is no such part
   */
  public Uploads.Stored storeOne(Body body, String fieldName) {
    List<Uploads.Stored> stored = new ArrayList<>(1);
    parse(
        body,
        new PartHandler() {
          @Override
          public void field(String name, String value) {}

          @Override
          public boolean file(FormPart part) throws IOException {
            if (stored.isEmpty() && fieldName.equals(part.name())) {
              stored.add(storePart(part, ""));
            }
            return stored.isEmpty();
          }
        });
    return stored.stream()
        .findFirst()
        .orElseThrow(() -> new DepotException(Problem.MISSING_FILE_PART, "The request has no file part named '" + fieldName + "'."));
  }

  private Uploads.Stored storePart(FormPart part, String dir) throws IOException {
    String name = part.filename().strip();
    String key = StoragePaths.join(dir, StoragePaths.baseName(name));
    // The paths of a multipart body are known only as its parts arrive: each is checked before its
    // bytes are read (the request as a whole was checked for some write permission before the body).
    access.require(Permission.WRITE, key);
    // A part may carry its own digest headers; they are verified like a request's.
    ClientDigests digests =
        ClientDigests.fromHeaders(
            part.headers().joined("Repr-Digest"), part.headers().joined("Content-Digest"), part.headers().single("Content-MD5"));
    try {
      return uploads.storeAdmitted(
          new Uploads.Upload(key, part.content(), part.contentType(), name, -1, WritePrecondition.NONE, digests));
    } catch (DepotException e) {
      if (e.is(Problem.QUOTA_EXCEEDED)) {
        access.refused(key); // the URL does not name the part's path: the audit learns it here
      }
      throw e;
    }
  }

  /** What to do with each part; fields arrive fully read (and capped), files as streams. */
  private interface PartHandler {
    void field(String name, String value);

    /** Handles a file part; returns false when the rest of the body need not be read. */
    boolean file(FormPart part) throws IOException;
  }

  private void parse(Body body, PartHandler handler) {
    // The whole body's declared length is admitted up front (an upper bound of its files' bytes).
    // The whole body is admitted (and watched for a minimum rate) once; its parts are stored without
    // admissions of their own. Its declared length is reserved only up to what the request may legally
    // store: every part at the size limit (issue 11, item 12).
    long legalMax = saturatedProduct(settings.maxFileSize(), settings.maxParts());
    Path root = uploads.currentStore().attachment().root();
    // One multipart request is one upload in progress for depot.max-concurrent-uploads, whatever its
    // parts; each part gets its own quota ticket as it is stored.
    try (UploadSlots.Slot slot = slots.acquire(access.caller());
        SpaceAdmission.Ticket ticket = admission.admit(root, body.contentLength(), legalMax)) {
      InputStream watched =
          ticket.watch(MinimumRate.guard(body.stream(), settings.minTransferRate(), settings.minTransferRateWindow()));
      parseAdmitted(new Body(watched, body.contentType(), body.contentLength()), handler);
    }
  }

  private void parseAdmitted(Body body, PartHandler handler) {
    int maxParts = settings.maxParts();
    long maxField = settings.maxFieldSize();
    MultipartReader reader = MultipartReader.open(body.stream(), body.contentType(), settings.maxPartHeaderSize());
    try {
      int count = 0;
      for (FormPart part = reader.next(); part != null; part = reader.next()) {
        if (++count > maxParts) {
          throw new DepotException(Problem.MULTIPART_LIMIT, "The request has more than " + maxParts + " parts.");
        }
        if (part.isFile()) {
          if (!handler.file(part)) {
            return;
          }
        } else if (isNestedMultipart(part)) {
          throw new DepotException(Problem.MALFORMED_MULTIPART,
              "A part holds a nested multipart body; send each file as its own part (RFC 7578 §4.3).");
        } else {
          handler.field(part.name(), readField(part, maxField));
        }
      }
      if (count == 0) {
        throw new DepotException(Problem.MALFORMED_MULTIPART, "The multipart body has no parts.");
      }
    } catch (IOException e) {
      throw new DepotException(Problem.UPLOAD_INCOMPLETE, "The request body ended before it was complete.", e);
    }
  }

  /**
   * RFC 2388's multipart/mixed field holding several files, deprecated by RFC 7578 §4.3 and sent by no
   * current browser: refused rather than taken as one (capped) text field, which would drop its files
   * without a word.
   */
  private static boolean isNestedMultipart(FormPart part) {
    String type = part.contentType();
    return type != null && type.toLowerCase(Locale.ROOT).startsWith("multipart/");
  }

  private static long saturatedProduct(long a, long b) {
    try {
      return Math.multiplyExact(a, b);
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }

  private static String readField(FormPart part, long max) throws IOException {
    byte[] value = part.content().readNBytes((int) Math.min(Integer.MAX_VALUE - 8, max + 1));
    if (value.length > max) {
      throw new DepotException(Problem.MULTIPART_LIMIT, "A form field is larger than " + max + " bytes.");
    }
    return new String(value, StandardCharsets.UTF_8);
  }
}
