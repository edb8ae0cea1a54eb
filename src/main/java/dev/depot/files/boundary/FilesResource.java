package dev.depot.files.boundary;

import dev.depot.files.control.MultipartUploads;
import dev.depot.files.control.Uploads;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.io.InputStream;
import java.util.List;

/**
 * Uploads: {@code PUT /files/{path}} streams the raw body to one path; {@code POST /files} streams a
 * multipart body, each file part to its own path. The body is taken as a plain {@link InputStream}
 * on purpose: the containers' own multipart support (Jersey {@code @FormDataParam}, {@code EntityPart})
 * spools every part to {@code java.io.tmpdir} before a resource method runs.
 */
@Path("files")
@RequestScoped
public class FilesResource {

  @Inject Uploads uploads;
  @Inject MultipartUploads multipart;
  @Context UriInfo uriInfo;

  @PUT
  @Path("{path: .+}")
  @Consumes(MediaType.WILDCARD)
  @Produces(MediaType.APPLICATION_JSON)
  public Response put(
      @PathParam("path") String path,
      @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType,
      @HeaderParam(HttpHeaders.CONTENT_LENGTH) String contentLength,
      InputStream body) {
    Uploads.Stored stored =
        uploads.storeBody(new Uploads.Upload(path, body, contentType, null, ContentLength.parse(contentLength)));
    return Response.status(stored.created() ? Response.Status.CREATED : Response.Status.OK)
        .location(FileLinks.of(uriInfo, stored.file().getPath()))
        .entity(StoredFileJson.of(stored.file()))
        .build();
  }

  @POST
  @Consumes(MediaType.MULTIPART_FORM_DATA)
  @Produces(MediaType.APPLICATION_JSON)
  public Response post(
      @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType,
      @HeaderParam(HttpHeaders.CONTENT_LENGTH) String contentLength,
      InputStream body) {
    List<StoredFileJson> files =
        multipart.storeAll(new MultipartUploads.Body(body, contentType, ContentLength.parse(contentLength))).stream()
            .map(stored -> StoredFileJson.of(stored.file()))
            .toList();
    return Response.status(Response.Status.CREATED).entity(new StoredFilesJson(files)).build();
  }
}
