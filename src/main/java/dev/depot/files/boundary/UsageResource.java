package dev.depot.files.boundary;

import dev.depot.access.control.AccessPolicy;
import dev.depot.access.control.Caller;
import dev.depot.access.control.Quota;
import dev.depot.files.control.Usages;
import dev.depot.problem.DepotException;
import dev.depot.problem.Problem;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

/**
 * What is stored against each user's quota: {@code GET /usage} the caller's own, {@code GET
 * /usage?user=NAME} one user's and {@code GET /usage/all} every user's with files (both for {@code
 * depot-admin}, or the caller asking about themselves). Limits are {@code null} where none applies.
 */
@Path("usage")
@RequestScoped
public class UsageResource {

  @Inject Usages usages;
  @Inject AccessPolicy access;

  @GET
  @Produces(MediaType.APPLICATION_JSON)
  public JsonObject get(@QueryParam("user") String user) {
    Caller caller = access.requireAuthenticated();
    if (user == null || user.equals(caller.name())) {
      return json(usages.of(caller)).build();
    }
    if (user.isBlank()) {
      throw new DepotException(Problem.INVALID_PARAMETER, "user names a user.");
    }
    access.requireAdmin();
    return json(usages.ofUser(user)).build();
  }

  @GET
  @Path("all")
  @Produces(MediaType.APPLICATION_JSON)
  public JsonObject all() {
    access.requireAdmin();
    JsonArrayBuilder users = Json.createArrayBuilder();
    usages.everyone().forEach(report -> users.add(json(report)));
    return Json.createObjectBuilder().add("users", users).build();
  }

  private static JsonObjectBuilder json(Usages.Report report) {
    JsonObjectBuilder limits = Json.createObjectBuilder();
    limit(limits, "bytes", report.limits().bytes());
    limit(limits, "files", report.limits().files());
    return Json.createObjectBuilder()
        .add("name", report.name())
        .add("bytes", report.usage().bytes())
        .add("files", report.usage().files())
        .add("limits", limits);
  }

  private static void limit(JsonObjectBuilder limits, String name, long value) {
    if (value == Quota.UNLIMITED) {
      limits.addNull(name);
    } else {
      limits.add(name, value);
    }
  }
}
