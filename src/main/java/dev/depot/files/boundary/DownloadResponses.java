package dev.depot.files.boundary;

import dev.depot.problem.DepotException;
import dev.depot.problem.Problem;

import dev.depot.files.control.Downloads;
import dev.depot.storage.entity.StoredFile;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import jakarta.ws.rs.core.UriInfo;
import java.io.IOException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Turns a stored file into the answer to a GET or HEAD: 200, 206 for one satisfiable byte range, 304
 * when the client's copy is current, 412 when an {@code If-Match}/{@code If-Unmodified-Since} fails,
 * 416 for an unsatisfiable range. Bytes are streamed from the open content through a fixed buffer,
 * never read into memory as a whole.
 */
final class DownloadResponses {

  private static final Logger LOG = Logger.getLogger(DownloadResponses.class.getName());

  private DownloadResponses() {}

  /** A HEAD: the headers a GET would send, without opening the file. */
  static Response head(StoredFile file, HttpHeaders request) {
    Response.ResponseBuilder response = conditional(file, request);
    if (response != null) {
      return response.build();
    }
    return representation(Response.ok(), file, file.getSize()).build();
  }

  /** A GET of an opened download; the download is closed when the body is written (or not needed). */
  static Response get(Downloads.Download download, HttpHeaders request, UriInfo uriInfo) {
    StoredFile file = download.file();
    boolean handedOver = false;
    try {
      Response.ResponseBuilder response = conditional(file, request);
      if (response != null) {
        return response.build();
      }
      long size = download.content().size();
      ByteRange range = size > 0 && ReadPreconditions.rangeAllowed(request, file)
          ? ByteRange.parse(request.getHeaderString("Range")) : null;
      ByteRange.Slice slice = range == null ? new ByteRange.Slice(0, size, size) : range.resolve(size);
      if (slice == null) {
        return ProblemMapper.problem(Problem.RANGE_NOT_SATISFIABLE,
                "The requested range starts beyond the end of the file (" + size + " bytes).", uriInfo)
            .header("Content-Range", "bytes */" + size)
            .header("Accept-Ranges", "bytes")
            .build();
      }
      StreamingOutput body = out -> {
        try (download) {
          download.copyTo(out, slice.offset(), slice.length());
        } catch (IOException e) {
          // The client went away (a cancelled or paused download): normal for a file server, and
          // Jersey would log each one as SEVERE with two stack traces if it saw the exception.
          LOG.log(Level.FINE, "Download of " + file.getPath() + " ended by the client", e);
        }
      };
      Response.ResponseBuilder ok = range == null
          ? Response.ok(body)
          : Response.status(Response.Status.PARTIAL_CONTENT).entity(body).header("Content-Range", slice.contentRange());
      handedOver = true;
      return representation(ok, file, slice.length()).build();
    } finally {
      if (!handedOver) {
        download.close();
      }
    }
  }

  /** 304 or 412 if a precondition decides the answer, else null. */
  private static Response.ResponseBuilder conditional(StoredFile file, HttpHeaders request) {
    switch (ReadPreconditions.evaluate(request, file)) {
      case PRECONDITION_FAILED:
        throw new DepotException(Problem.PRECONDITION_FAILED, "The file at this path is not the version the request requires.");
      case NOT_MODIFIED:
        return validators(Response.notModified(), file);
      default:
        return null;
    }
  }

  /** The headers of the file's representation, for 200, 206 and HEAD. */
  private static Response.ResponseBuilder representation(Response.ResponseBuilder response, StoredFile file, long length) {
    return validators(response, file)
        .type(mediaType(file.getContentType()))
        .header(HttpHeaders.CONTENT_LENGTH, length)
        .header("Content-Disposition", ContentDisposition.attachment(file.getPath()))
        .header(DigestFields.REPR_DIGEST, DigestFields.reprDigest(file.getSha256()))
        // Content anyone uploaded must not run as a page of Depot's origin.
        .header("X-Content-Type-Options", "nosniff")
        .header("Content-Security-Policy", "sandbox");
  }

  /** Validators and caching headers, sent with 200, 206 and 304 alike. */
  private static Response.ResponseBuilder validators(Response.ResponseBuilder response, StoredFile file) {
    return response
        .header(HttpHeaders.ETAG, EntityTags.of(file.getSha256()))
        .header(HttpHeaders.LAST_MODIFIED, HttpDates.format(file.getModified()))
        .header("Accept-Ranges", "bytes")
        // Files can be replaced at the same URL: caches may keep them but must revalidate (cheap: 304).
        .header(HttpHeaders.CACHE_CONTROL, "no-cache");
  }

  /**
   * The recorded type, if it is a media type this JAX-RS implementation can send; uploads only
   * require printable ASCII, so a malformed one is served as {@code application/octet-stream}.
   */
  private static MediaType mediaType(String recorded) {
    try {
      return MediaType.valueOf(recorded);
    } catch (IllegalArgumentException e) {
      return MediaType.APPLICATION_OCTET_STREAM_TYPE;
    }
  }
}
