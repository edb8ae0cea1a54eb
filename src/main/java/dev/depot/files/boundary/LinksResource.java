package dev.depot.files.boundary;

import dev.depot.access.boundary.JsonBodies;
import dev.depot.access.boundary.SignedLinks;
import dev.depot.access.control.AccessPolicy;
import dev.depot.access.control.Caller;
import dev.depot.access.control.LinkSigner;
import dev.depot.access.control.Permission;
import dev.depot.config.DepotSettings;
import dev.depot.problem.DepotException;
import dev.depot.problem.Problem;
import dev.depot.storage.control.StoragePaths;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * {@code POST /links}: a URL that lets whoever holds it do one thing without credentials — {@code GET}
 * (and {@code HEAD}) or {@code PUT} one path until it expires — what S3's presigned URLs give. Only a
 * caller who may do that thing now gets a link for it. The URL carries its expiry, the optional size
 * cap of a {@code PUT}, the issuer and an HMAC-SHA-256 signature over all of them with {@code
 * depot.link-keys}; a link changed in any part, or used for another method or path, is a 403.
 */
@Path("links")
@RequestScoped
public class LinksResource {

  /** A request for a link; {@code expiresIn} in seconds (default one hour), {@code maxSize} in bytes (PUT only). */
  public record LinkRequestJson(String path, String method, Long expiresIn, Long maxSize) {}

  public record LinkJson(String url, String method, String path, String expires) {}

  private static final String EXPECTED = "Send {\"path\": \"…\", \"method\": \"GET\" or \"PUT\"}.";

  @Inject AccessPolicy access;
  @Inject DepotSettings settings;
  @Context UriInfo uriInfo;

  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  @Produces(MediaType.APPLICATION_JSON)
  public Response create(InputStream body) {
    Caller caller = access.requireAuthenticated(); // before a byte of the body is read
    LinkRequestJson request = request(JsonBodies.object(body, EXPECTED));
    if (request.path() == null) {
      throw new DepotException(Problem.INVALID_PARAMETER, EXPECTED);
    }
    String method = request.method() == null ? "GET" : request.method().toUpperCase(java.util.Locale.ROOT);
    if (!method.equals("GET") && !method.equals("PUT")) {
      throw new DepotException(Problem.INVALID_PARAMETER, "A link is for GET or PUT.");
    }
    String path = StoragePaths.key(request.path());
    access.require(method.equals("PUT") ? Permission.WRITE : Permission.READ, path);
    Duration max = settings.linkMaxExpiry();
    long seconds = request.expiresIn() == null ? Math.min(3600, max.toSeconds()) : request.expiresIn();
    if (seconds <= 0 || seconds > max.toSeconds()) {
      throw new DepotException(Problem.INVALID_PARAMETER, "expiresIn must be from 1 to " + max.toSeconds() + " seconds (depot.link-max-expiry).");
    }
    Long maxSize = request.maxSize();
    if (maxSize != null && (!method.equals("PUT") || maxSize < 0)) {
      throw new DepotException(Problem.INVALID_PARAMETER, "maxSize is a number of bytes, for a PUT link only.");
    }
    Instant expires = Instant.now().truncatedTo(ChronoUnit.SECONDS).plusSeconds(seconds);
    LinkSigner.Link link = new LinkSigner.Link(method, path, expires, maxSize, caller.name());
    String signature = settings.linkSigner().sign(link);
    StringBuilder url = new StringBuilder(FileLinks.of(uriInfo, path).toString())
        .append('?').append(SignedLinks.EXPIRES).append('=').append(expires.getEpochSecond());
    if (maxSize != null) {
      url.append('&').append(SignedLinks.MAX_SIZE).append('=').append(maxSize);
    }
    url.append('&').append(SignedLinks.ISSUER).append('=').append(java.net.URLEncoder.encode(caller.name(), java.nio.charset.StandardCharsets.UTF_8))
        .append('&').append(SignedLinks.SIGNATURE).append('=').append(signature);
    return Response.status(Response.Status.CREATED).entity(new LinkJson(url.toString(), method, path, expires.toString())).build();
  }

  private static LinkRequestJson request(JsonObject json) {
    try {
      return new LinkRequestJson(
          json.get("path") instanceof JsonString path ? path.getString() : null,
          json.get("method") instanceof JsonString method ? method.getString() : null,
          json.get("expiresIn") instanceof JsonNumber expires ? expires.longValueExact() : null,
          json.get("maxSize") instanceof JsonNumber max ? max.longValueExact() : null);
    } catch (ArithmeticException e) {
      throw new DepotException(Problem.INVALID_PARAMETER, "expiresIn and maxSize are whole numbers.");
    }
  }
}
