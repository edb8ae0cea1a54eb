package dev.depot.files.boundary;

import dev.depot.access.control.AccessPolicy;
import dev.depot.access.control.Permission;
import dev.depot.storage.control.StoragePaths;
import dev.depot.problem.DepotException;
import dev.depot.problem.Problem;

import dev.depot.files.control.DirectoryListings;
import dev.depot.files.control.Downloads;
import dev.depot.files.control.Listings;
import dev.depot.files.control.MultipartUploads;
import dev.depot.files.control.Removals;
import dev.depot.files.control.Uploads;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HEAD;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.io.InputStream;
import java.util.List;

/**
 * Stored files. Uploads: {@code PUT /files/{path}} streams the raw body to one path; {@code POST /files}
 * streams a multipart body, each file part to its own path. The body is taken as a plain {@link
 * InputStream} on purpose: the containers' own multipart support (Jersey {@code @FormDataParam}, {@code
 * EntityPart}) spools every part to {@code java.io.tmpdir} before a resource method runs. Reads: {@code
 * GET}/{@code HEAD /files/{path}} (ranges and validators, see {@link DownloadResponses}), {@code GET
 * /files} (a page of the listing); {@code DELETE /files/{path}}.
 */
@Path("files")
@RequestScoped
public class FilesResource {

  @Inject Uploads uploads;
  @Inject MultipartUploads multipart;
  @Inject Downloads downloads;
  @Inject Listings listings;
  @Inject DirectoryListings directoryListings;
  @Inject Removals removals;
  @Inject AccessPolicy access;
  @Context UriInfo uriInfo;

  @PUT
  @Path("{path: .+}")
  @Consumes(MediaType.WILDCARD)
  @Produces(MediaType.APPLICATION_JSON)
  public Response put(
      @PathParam("path") String path,
      @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType,
      @HeaderParam(HttpHeaders.CONTENT_LENGTH) String contentLength,
      @HeaderParam(ContentLength.TRANSFER_ENCODING) String transferEncoding,
      @BeanParam WriteHeaders conditions,
      InputStream body) {
    access.require(Permission.WRITE, StoragePaths.key(path)); // before a byte of the body is read
    Uploads.Stored stored =
        uploads.storeBody(
            new Uploads.Upload(
                path, body, contentType, null, ContentLength.declared(contentLength, transferEncoding), conditions.precondition(), conditions.digests()));
    return Response.status(stored.created() ? Response.Status.CREATED : Response.Status.OK)
        .location(FileLinks.of(uriInfo, stored.file().getPath()))
        .header(DigestFields.REPR_DIGEST, DigestFields.reprDigest(stored.file().getSha256()))
        .entity(StoredFileJson.of(stored.file()))
        .build();
  }

  @POST
  @Consumes(MediaType.MULTIPART_FORM_DATA)
  @Produces(MediaType.APPLICATION_JSON)
  public Response post(
      @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType,
      @HeaderParam(HttpHeaders.CONTENT_LENGTH) String contentLength,
      @HeaderParam(ContentLength.TRANSFER_ENCODING) String transferEncoding,
      InputStream body) {
    access.requireSomewhere(Permission.WRITE); // each part's path is checked as it arrives
    List<StoredFileJson> files =
        multipart.storeAll(new MultipartUploads.Body(body, contentType, ContentLength.declared(contentLength, transferEncoding))).stream()
            .map(stored -> StoredFileJson.of(stored.file()))
            .toList();
    return Response.status(Response.Status.CREATED).entity(new StoredFilesJson(files)).build();
  }

  @GET
  @Path("{path: .+}")
  public Response download(@PathParam("path") String path, @Context HttpHeaders headers) {
    access.require(Permission.READ, StoragePaths.key(path));
    return DownloadResponses.get(downloads.open(path), headers, uriInfo);
  }

  @HEAD
  @Path("{path: .+}")
  public Response head(@PathParam("path") String path, @Context HttpHeaders headers) {
    access.require(Permission.READ, StoragePaths.key(path));
    return DownloadResponses.head(downloads.describe(path), headers);
  }

  @GET
  @Produces(MediaType.APPLICATION_JSON)
  public Object list(
      @QueryParam("prefix") String prefix,
      @QueryParam("limit") String limit,
      @QueryParam("cursor") String cursor,
      @QueryParam("delimiter") String delimiter) {
    access.requireSomewhere(Permission.READ); // and the listing holds only what the caller may read
    if (delimiter != null) {
      if (!delimiter.equals(DirectoryListings.DELIMITER)) {
        throw new DepotException(Problem.INVALID_PARAMETER, "The only delimiter is \"/\".");
      }
      DirectoryListings.Page page = directoryListings.list(prefix, limit(limit), cursor);
      return new DirectoryListJson(
          page.directories(), page.files().stream().map(StoredFileJson::of).toList(), page.next().orElse(null));
    }
    Listings.Page page = listings.list(prefix, limit(limit), cursor);
    return new FileListJson(page.items().stream().map(StoredFileJson::of).toList(), page.next().orElse(null));
  }

  @DELETE
  @Path("{path: .+}")
  public Response delete(@PathParam("path") String path, @BeanParam WriteHeaders conditions) {
    access.require(Permission.DELETE, StoragePaths.key(path));
    removals.remove(path, conditions.precondition());
    return Response.noContent().build();
  }

  /** A {@code limit} query parameter; taken as text so that garbage is a 400, not JAX-RS's 404. */
  private static Integer limit(String text) {
    if (text == null || text.isBlank()) {
      return null;
    }
    if (!text.trim().matches("[0-9]{1,18}")) {
      throw new DepotException(Problem.INVALID_PARAMETER, "The limit must be a whole number from 1 to " + Listings.MAX_LIMIT + ".");
    }
    return (int) Math.min(Long.parseLong(text.trim()), Integer.MAX_VALUE);
  }
}
