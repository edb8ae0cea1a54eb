package dev.depot.files.boundary;

import dev.depot.access.control.AccessPolicy;
import dev.depot.access.control.Permission;
import dev.depot.storage.control.StoragePaths;
import dev.depot.files.control.Downloads;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/**
 * {@code GET /metadata/{path}}: a stored file's metadata, as the upload answered it, from its row. A
 * separate resource (not {@code /files/{path}?meta}) so the file's URL always means its bytes.
 */
@Path("metadata")
@RequestScoped
public class MetadataResource {

  @Inject Downloads downloads;
  @Inject AccessPolicy access;

  @GET
  @Path("{path: .+}")
  @Produces(MediaType.APPLICATION_JSON)
  public StoredFileJson get(@PathParam("path") String path) {
    access.require(Permission.READ, StoragePaths.key(path));
    return StoredFileJson.of(downloads.describe(path));
  }
}
