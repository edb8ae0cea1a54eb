package dev.depot.files.control;

import dev.depot.storage.control.StoragePaths;
import dev.depot.storage.control.SpaceAdmission;
import dev.depot.storage.control.WritePrecondition;

import dev.depot.problem.DepotException;
import dev.depot.problem.Problem;

import dev.depot.config.DepotSettings;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.fileupload2.core.AbstractFileUpload;
import org.apache.commons.fileupload2.core.DiskFileItem;
import org.apache.commons.fileupload2.core.DiskFileItemFactory;
import org.apache.commons.fileupload2.core.FileItemInput;
import org.apache.commons.fileupload2.core.FileItemInputIterator;
import org.apache.commons.fileupload2.core.FileUploadContentTypeException;
import org.apache.commons.fileupload2.core.FileUploadException;
import org.apache.commons.fileupload2.core.FileUploadSizeException;
import org.apache.commons.fileupload2.core.RequestContext;

/**
 * Streams a {@code multipart/form-data} body part by part, in order, writing each file part straight
 * to its destination through {@link Uploads}: no part is ever spooled to {@code java.io.tmpdir} or held
 * in memory, whatever its size.
 *
 * <p>Parser: Apache {@code commons-fileupload2-core}'s {@link FileItemInputIterator}, on the raw request
 * stream. Chosen over mimepull (the parser inside Jersey's multipart support, which Payara ships)
 * because fileupload2 enforces a part-header size cap itself and leaves every other decision to us,
 * while mimepull has no header-size or part-count caps, falls back to temp files past a memory
 * threshold when parts are not consumed strictly in order, and is not present on WildFly. Both
 * streamed a 1.2 GiB part with no temp file (measured before Depot was planned); fileupload2 has only
 * milestone releases, so its behaviour is pinned by Depot's own tests ({@code MultipartUploadsTest}).
 *
 * <p>Semantics of a request that fails half-way: parts are committed one by one, so files from parts
 * that completed before the failure stay stored (each with its row); the part being written when the
 * failure happened leaves nothing; later parts are not read.
 */
@ApplicationScoped
public class MultipartUploads {

  /** The form field that sets the directory of the file parts after it. */
  public static final String DIR_FIELD = "dir";

  /** Bytes of the body's end kept to find the close delimiter: fileupload2 reads ahead 4 KiB at most. */
  private static final int TAIL_KEPT = 16 * 1024;

  @Inject Uploads uploads;
  @Inject DepotSettings settings;
  @Inject SpaceAdmission admission;

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
          public boolean file(FileItemInput part) throws IOException {
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
          public boolean file(FileItemInput part) throws IOException {
            if (stored.isEmpty() && fieldName.equals(part.getFieldName())) {
              stored.add(storePart(part, ""));
            }
            return stored.isEmpty();
          }
        });
    return stored.stream()
        .findFirst()
        .orElseThrow(() -> new DepotException(Problem.MISSING_FILE_PART, "The request has no file part named '" + fieldName + "'."));
  }

  private Uploads.Stored storePart(FileItemInput part, String dir) throws IOException {
    String name = fileName(part);
    String key = StoragePaths.join(dir, StoragePaths.baseName(name));
    // A part may carry its own digest headers; they are verified like a request's.
    ClientDigests digests =
        ClientDigests.fromHeaders(
            part.getHeaders().getHeader("Repr-Digest"),
            part.getHeaders().getHeader("Content-Digest"),
            part.getHeaders().getHeader("Content-MD5"));
    return uploads.storeAdmitted(
        new Uploads.Upload(key, part.getInputStream(), part.getContentType(), name, -1, WritePrecondition.NONE, digests));
  }

  /** What to do with each part; fields arrive fully read (and capped), files as streams. */
  private interface PartHandler {
    void field(String name, String value);

    /** Handles a file part; returns false when the rest of the body need not be read. */
    boolean file(FileItemInput part) throws IOException;
  }

  private void parse(Body body, PartHandler handler) {
    // The whole body's declared length is admitted up front (an upper bound of its files' bytes).
    // The whole body is admitted (and watched for a minimum rate) once; its parts are stored without
    // admissions of their own. Its declared length is reserved only up to what the request may legally
    // store: every part at the size limit (issue 11, item 12).
    long legalMax = saturatedProduct(settings.maxFileSize(), settings.maxParts());
    Path root = uploads.currentStore().attachment().root();
    try (SpaceAdmission.Ticket ticket = admission.admit(root, body.contentLength(), legalMax)) {
      InputStream watched =
          ticket.watch(MinimumRate.guard(body.stream(), settings.minTransferRate(), settings.minTransferRateWindow()));
      parseAdmitted(new Body(watched, body.contentType(), body.contentLength()), handler);
    }
  }

  private void parseAdmitted(Body body, PartHandler handler) {
    StreamingUpload parser = new StreamingUpload();
    parser.setHeaderCharset(StandardCharsets.UTF_8);
    parser.setMaxPartHeaderSize(settings.maxPartHeaderSize());
    // Sizes are enforced by Uploads (per file) and readField (per field); no total cap here.
    parser.setMaxSize(-1);
    parser.setMaxFileSize(-1);
    int maxParts = settings.maxParts();
    long maxField = settings.maxFieldSize();
    TailKeepingInputStream stream = new TailKeepingInputStream(body.stream(), TAIL_KEPT);
    try {
      FileItemInputIterator parts =
          parser.getItemIterator(new BodyContext(new Body(stream, body.contentType(), body.contentLength())));
      int count = 0;
      while (parts.hasNext()) {
        FileItemInput part = parts.next();
        if (++count > maxParts) {
          throw new DepotException(Problem.MULTIPART_LIMIT, "The request has more than " + maxParts + " parts.");
        }
        String name = fileName(part);
        if (part.isFormField() || name == null || name.isEmpty()) {
          // No filename (or an empty file input): a field, never buffered beyond the cap.
          handler.field(part.getFieldName(), readField(part, maxField));
        } else if (!handler.file(part)) {
          return;
        }
      }
      if (count == 0) {
        // fileupload2 treats a body without any boundary line as an empty form; it is garbage.
        throw new DepotException(Problem.MALFORMED_MULTIPART, "The multipart body has no parts.");
      }
      String boundary = new String(parser.getBoundary(body.contentType()), StandardCharsets.ISO_8859_1);
      if (!stream.tailContains("--" + boundary + "--")) {
        throw new DepotException(Problem.MALFORMED_MULTIPART, "The multipart body ends without its closing boundary.");
      }
    } catch (FileUploadSizeException e) {
      throw new DepotException(Problem.MULTIPART_LIMIT, "A part's headers are larger than " + settings.maxPartHeaderSize() + " bytes.", e);
    } catch (FileUploadContentTypeException e) {
      throw new DepotException(Problem.MALFORMED_MULTIPART, "The request is not multipart/form-data with a valid boundary.", e);
    } catch (FileUploadException e) {
      throw new DepotException(Problem.MALFORMED_MULTIPART, "The multipart body is malformed or truncated.", e);
    } catch (IOException e) {
      throw new DepotException(Problem.UPLOAD_INCOMPLETE, "The request body ended before it was complete.", e);
    }
  }

  /**
   * The part's file name as sent. fileupload2 throws for a name with a NUL (and other characters it
   * refuses) when it is asked for it, which would be a 500 with a stack trace; it is the client's bad
   * path (issue 11, item 11).
   */
  private static String fileName(FileItemInput part) {
    try {
      return part.getName();
    } catch (java.nio.file.InvalidPathException e) {
      throw new DepotException(Problem.INVALID_PATH, "The part's file name has a forbidden character.");
    }
  }

  private static long saturatedProduct(long a, long b) {
    try {
      return Math.multiplyExact(a, b);
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }

  private static String readField(FileItemInput part, long max) throws IOException {
    try (InputStream in = part.getInputStream()) {
      byte[] value = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, max + 1));
      if (value.length > max) {
        throw new DepotException(Problem.MULTIPART_LIMIT, "A form field is larger than " + max + " bytes.");
      }
      return new String(value, StandardCharsets.UTF_8);
    }
  }

  /** The request, as fileupload2 wants to see it. */
  private record BodyContext(Body body) implements RequestContext {
    @Override
    public String getCharacterEncoding() {
      return null;
    }

    @Override
    public long getContentLength() {
      return body.contentLength();
    }

    @Override
    public String getContentType() {
      return body.contentType();
    }

    @Override
    public InputStream getInputStream() {
      return body.stream();
    }

    @Override
    public boolean isMultipartRelated() {
      return false;
    }
  }

  /** fileupload2's streaming API without its servlet binding; the buffering methods are refused. */
  private static final class StreamingUpload extends AbstractFileUpload<BodyContext, DiskFileItem, DiskFileItemFactory> {
    @Override
    public FileItemInputIterator getItemIterator(BodyContext context) throws IOException {
      return getItemIterator((RequestContext) context);
    }

    @Override
    public java.util.Map<String, List<DiskFileItem>> parseParameterMap(BodyContext context) {
      throw new UnsupportedOperationException("Depot never buffers parts");
    }

    @Override
    public List<DiskFileItem> parseRequest(BodyContext context) {
      throw new UnsupportedOperationException("Depot never buffers parts");
    }
  }

}
