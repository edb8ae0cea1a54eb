package dev.depot.uploads.boundary;

import dev.depot.config.DepotSettings;
import dev.depot.files.boundary.DigestFields;
import dev.depot.files.boundary.EntityTags;
import dev.depot.files.boundary.HttpDates;
import dev.depot.problem.DepotException;
import dev.depot.problem.Problem;
import dev.depot.uploads.control.ResumableUploads;
import dev.depot.uploads.control.UploadChecksum;
import dev.depot.uploads.control.UploadMetadata;
import dev.depot.uploads.entity.ResumableUpload;
import dev.depot.uploads.entity.ResumableUpload.Concat;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.HEAD;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.OPTIONS;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.io.InputStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * Resumable uploads, tus 1.0.0 (https://tus.io/protocols/resumable-upload), at {@code /api/uploads}:
 * core ({@code HEAD}, {@code PATCH}, {@code OPTIONS}) and the extensions creation,
 * creation-with-upload, creation-defer-length, termination, expiration, checksum and concatenation.
 * The protocol's headers are parsed here; what they mean is {@link ResumableUploads}'. {@code
 * Tus-Resumable} on every answer, the version check and {@code X-HTTP-Method-Override} are {@link
 * TusProtocolFilter}'s.
 */
@Path("uploads")
@RequestScoped
public class UploadsResource {

  public static final String TUS_VERSION = "1.0.0";
  public static final String EXTENSIONS =
      "creation,creation-with-upload,creation-defer-length,termination,expiration,checksum,concatenation";
  public static final String OFFSET_OCTET_STREAM = "application/offset+octet-stream";

  static final String UPLOAD_OFFSET = "Upload-Offset";
  static final String UPLOAD_LENGTH = "Upload-Length";
  static final String UPLOAD_DEFER_LENGTH = "Upload-Defer-Length";
  static final String UPLOAD_METADATA = "Upload-Metadata";
  static final String UPLOAD_CONCAT = "Upload-Concat";
  static final String UPLOAD_EXPIRES = "Upload-Expires";
  static final String UPLOAD_CHECKSUM = "Upload-Checksum";

  @Inject ResumableUploads uploads;
  @Inject DepotSettings settings;
  @Context UriInfo uriInfo;

  @OPTIONS
  public Response discover() {
    return Response.noContent()
        .header("Tus-Version", TUS_VERSION)
        .header("Tus-Extension", EXTENSIONS)
        .header("Tus-Max-Size", settings.maxFileSize())
        .header("Tus-Checksum-Algorithm", UploadChecksum.OFFERED)
        .build();
  }

  @OPTIONS
  @Path("{id}")
  public Response discoverUpload() {
    return discover();
  }

  @POST
  @Consumes(MediaType.WILDCARD)
  public Response create(
      @HeaderParam(UPLOAD_LENGTH) String length,
      @HeaderParam(UPLOAD_DEFER_LENGTH) String deferLength,
      @HeaderParam(UPLOAD_METADATA) String metadata,
      @HeaderParam(UPLOAD_CONCAT) String concat,
      @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType,
      @HeaderParam(HttpHeaders.CONTENT_LENGTH) String contentLength,
      @HeaderParam(UPLOAD_CHECKSUM) String checksum,
      InputStream body) {
    Concat kind = concatKind(concat);
    List<String> parts = kind == Concat.FINAL ? partIds(concat) : List.of();
    Long declared = length(length, deferLength, kind);
    boolean withUpload = contentType != null && isOffsetStream(contentType);
    if (!withUpload && contentLength != null && !contentLength.strip().equals("0") && kind != Concat.FINAL) {
      throw new DepotException(Problem.UNSUPPORTED_MEDIA_TYPE, "A creation with data sends it as " + OFFSET_OCTET_STREAM + ".");
    }
    UploadChecksum chunkChecksum = UploadChecksum.parse(checksum); // a malformed one is refused before anything is made
    ResumableUpload created = uploads.create(new ResumableUploads.Creation(declared, UploadMetadata.parse(metadata), kind, parts));
    URI location = uriInfo.getBaseUriBuilder().path("uploads").path(created.getId()).build();
    ResumableUploads.Patched patched = null;
    ResumableUpload now = created;
    if (withUpload && kind != Concat.FINAL) {
      // creation-with-upload: the body is the upload's first chunk. The upload exists whatever happens
      // to the chunk, so a chunk that broke off, was too slow or failed its checksum still answers 201
      // with the Location and the offset the upload is at (what was kept): the client resumes from there.
      try {
        patched = uploads.append(created.getId(), 0, null, body, chunkChecksum);
        now = patched.upload();
      } catch (DepotException e) {
        if (!e.is(Problem.UPLOAD_INCOMPLETE) && !e.is(Problem.UPLOAD_TOO_SLOW) && !e.is(Problem.CHECKSUM_MISMATCH)) {
          throw e;
        }
        now = uploads.status(created.getId());
      }
    }
    Response.ResponseBuilder answer = Response.status(Response.Status.CREATED).location(location);
    if (withUpload) {
      answer.header(UPLOAD_OFFSET, now.getOffset());
    }
    described(answer, now, patched != null ? patched.stored() : null);
    return answer.build();
  }

  @HEAD
  @Path("{id}")
  public Response head(@PathParam("id") String id) {
    ResumableUpload upload = uploads.status(id);
    Response.ResponseBuilder answer = Response.ok().header(UPLOAD_OFFSET, upload.getOffset()).header(HttpHeaders.CACHE_CONTROL, "no-store");
    if (upload.getLength() != null) {
      answer.header(UPLOAD_LENGTH, upload.getLength());
    } else {
      answer.header(UPLOAD_DEFER_LENGTH, 1);
    }
    if (upload.getMetadata() != null) {
      answer.header(UPLOAD_METADATA, upload.getMetadata());
    }
    if (upload.getConcat() == Concat.PARTIAL) {
      answer.header(UPLOAD_CONCAT, "partial");
    } else if (upload.getConcat() == Concat.FINAL) {
      List<String> urls = new ArrayList<>();
      for (String part : upload.getParts().split(" ")) {
        urls.add(uriInfo.getBaseUriBuilder().path("uploads").path(part).build().getRawPath());
      }
      answer.header(UPLOAD_CONCAT, "final;" + String.join(" ", urls));
    }
    described(answer, upload, null);
    return answer.build();
  }

  @PATCH
  @Path("{id}")
  @Consumes(MediaType.WILDCARD)
  public Response append(
      @PathParam("id") String id,
      @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType,
      @HeaderParam(UPLOAD_OFFSET) String offset,
      @HeaderParam(UPLOAD_LENGTH) String length,
      @HeaderParam(UPLOAD_CHECKSUM) String checksum,
      InputStream body) {
    if (contentType == null || !isOffsetStream(contentType)) {
      throw new DepotException(Problem.UNSUPPORTED_MEDIA_TYPE, "A PATCH sends its bytes as " + OFFSET_OCTET_STREAM + ".");
    }
    long at = number(UPLOAD_OFFSET, offset);
    Long declared = length == null ? null : number(UPLOAD_LENGTH, length);
    UploadChecksum parsed = UploadChecksum.parse(checksum);
    ResumableUploads.Patched patched = uploads.append(id, at, declared, body, parsed);
    Response.ResponseBuilder answer = Response.noContent().header(UPLOAD_OFFSET, patched.upload().getOffset());
    described(answer, patched.upload(), patched.stored());
    return answer.build();
  }

  @DELETE
  @Path("{id}")
  public Response terminate(@PathParam("id") String id) {
    uploads.terminate(id);
    return Response.noContent().build();
  }

  /** Expiry, and once the file is stored its validators (the stored file's, as a PUT answers them). */
  private static void described(Response.ResponseBuilder answer, ResumableUpload upload, dev.depot.files.control.Uploads.Stored stored) {
    if (upload.getState() == ResumableUpload.State.ACTIVE) {
      answer.header(UPLOAD_EXPIRES, HttpDates.format(upload.getExpires()));
    }
    String sha256 = stored != null ? stored.file().getSha256() : upload.getConcat() != Concat.PARTIAL ? upload.getSha256() : null;
    if (sha256 != null) {
      answer.header(HttpHeaders.ETAG, EntityTags.of(sha256));
      answer.header(DigestFields.REPR_DIGEST, DigestFields.reprDigest(sha256));
    }
  }

  private static boolean isOffsetStream(String contentType) {
    return contentType.split(";", 2)[0].strip().equalsIgnoreCase(OFFSET_OCTET_STREAM);
  }

  private static Concat concatKind(String concat) {
    if (concat == null) {
      return Concat.NONE;
    }
    String value = concat.strip();
    if (value.equals("partial")) {
      return Concat.PARTIAL;
    }
    if (value.startsWith("final;")) {
      return Concat.FINAL;
    }
    throw new DepotException(Problem.INVALID_PARAMETER, "Upload-Concat is 'partial' or 'final;' and the partial uploads' URLs.");
  }

  /** The ids of a final upload's partial uploads, from their URLs (absolute, or paths ending in /uploads/{id}). */
  private static List<String> partIds(String concat) {
    List<String> ids = new ArrayList<>();
    for (String url : concat.strip().substring("final;".length()).strip().split("\\s+")) {
      if (url.isEmpty()) {
        continue;
      }
      String path = url.replaceFirst("^[a-zA-Z][a-zA-Z0-9+.-]*://[^/]*", "");
      int cut = path.lastIndexOf("/uploads/");
      if (cut < 0 || path.indexOf('/', cut + "/uploads/".length()) >= 0) {
        throw new DepotException(Problem.INVALID_PARAMETER, "Upload-Concat names '" + url + "', which is not an upload of this server.");
      }
      ids.add(path.substring(cut + "/uploads/".length()));
    }
    if (ids.isEmpty() || ids.size() > ResumableUploads.MAX_PARTS) {
      throw new DepotException(Problem.INVALID_PARAMETER, "A final upload names 1 to " + ResumableUploads.MAX_PARTS + " partial uploads.");
    }
    return ids;
  }

  /** Upload-Length, or null for Upload-Defer-Length: 1; exactly one of them (a final upload has neither). */
  private static Long length(String length, String deferLength, Concat kind) {
    if (kind == Concat.FINAL) {
      if (length != null || deferLength != null) {
        throw new DepotException(Problem.INVALID_PARAMETER, "A final upload's length is its partial uploads'; send no Upload-Length.");
      }
      return null;
    }
    if (length != null && deferLength != null) {
      throw new DepotException(Problem.INVALID_PARAMETER, "Send Upload-Length or Upload-Defer-Length, not both.");
    }
    if (deferLength != null) {
      if (!deferLength.strip().equals("1")) {
        throw new DepotException(Problem.INVALID_PARAMETER, "Upload-Defer-Length must be 1.");
      }
      return null;
    }
    if (length == null) {
      throw new DepotException(Problem.INVALID_PARAMETER, "Send Upload-Length, or Upload-Defer-Length: 1.");
    }
    return number(UPLOAD_LENGTH, length);
  }

  private static long number(String header, String value) {
    if (value == null) {
      throw new DepotException(Problem.INVALID_PARAMETER, header + " is required.");
    }
    String v = value.strip();
    if (!v.matches("[0-9]{1,18}")) {
      throw new DepotException(Problem.INVALID_PARAMETER, header + " must be a non-negative whole number.");
    }
    return Long.parseLong(v);
  }
}
