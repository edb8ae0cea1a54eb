package dev.depot.files.boundary;

import dev.depot.access.control.AccessPolicy;
import dev.depot.access.control.Permission;
import dev.depot.files.control.MultipartUploads;
import dev.depot.storage.control.StoragePaths;
import dev.depot.files.control.Uploads;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.io.InputStream;

/**
 * The two endpoints of the Starlette/FastAPI application Depot replaces, with their answers, so its
 * clients work unchanged: {@code POST /upload} (multipart, file field {@code upload_file}) and {@code
 * POST /stream?filename=…&filedir=…} (raw body). Both store like {@link FilesResource}; {@code /stream}
 * also honours conditional and digest headers when a client sends them (the seed had none, so its
 * clients see no change).
 */
@Path("")
@RequestScoped
public class SeedUploadsResource {

  /** The seed application's file field. */
  static final String SEED_FILE_FIELD = "upload_file";

  @Inject Uploads uploads;
  @Inject MultipartUploads multipart;
  @Inject AccessPolicy access;
  @Context UriInfo uriInfo;

  @POST
  @Path("upload")
  @Consumes(MediaType.MULTIPART_FORM_DATA)
  @Produces(MediaType.APPLICATION_JSON)
  public Response upload(
      @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType,
      @HeaderParam(HttpHeaders.CONTENT_LENGTH) String contentLength,
      @HeaderParam(ContentLength.TRANSFER_ENCODING) String transferEncoding,
      InputStream body) {
    access.requireSomewhere(Permission.WRITE); // the part's path is checked as it arrives
    Uploads.Stored stored =
        multipart.storeOne(new MultipartUploads.Body(body, contentType, ContentLength.declared(contentLength, transferEncoding)), SEED_FILE_FIELD);
    return Response.ok(new SeedUploadJson(stored.file().getOriginalFilename(), stored.file().getSize()))
        .header(DigestFields.REPR_DIGEST, DigestFields.reprDigest(stored.file().getSha256()))
        .build();
  }

  @POST
  @Path("stream")
  @Consumes(MediaType.WILDCARD)
  @Produces(MediaType.APPLICATION_JSON)
  public Response stream(
      @QueryParam("filename") String filename,
      @QueryParam("filedir") String filedir,
      @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType,
      @HeaderParam(HttpHeaders.CONTENT_LENGTH) String contentLength,
      @HeaderParam(ContentLength.TRANSFER_ENCODING) String transferEncoding,
      @BeanParam WriteHeaders conditions,
      InputStream body) {
    String key = StoragePaths.join(filedir, filename);
    access.require(Permission.WRITE, key);
    Uploads.Stored stored =
        uploads.storeBody(
            new Uploads.Upload(
                key, body, contentType, filename, ContentLength.declared(contentLength, transferEncoding), conditions.precondition(), conditions.digests()));
    return Response.ok(new SeedStreamJson(FileLinks.of(uriInfo, stored.file().getPath()).toString()))
        .header(DigestFields.REPR_DIGEST, DigestFields.reprDigest(stored.file().getSha256()))
        .build();
  }
}
