package dev.depot.it;

import jakarta.json.JsonObject;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.Optional;

/**
 * Reads the server's MicroProfile Health answers ({@code /health/ready}, {@code /health/live}). Payara
 * serves them on the application's HTTP port; WildFly on its management port, which the build names in
 * the system property {@value #SERVER_PROPERTY}.
 */
public final class Health {

  /** The base URI the health endpoints are under, when it is not the application server's root. */
  public static final String SERVER_PROPERTY = "depot.it.health-server";

  private final URI server;
  private final Api api;

  public Health(URL deploymentUrl) {
    String elsewhere = System.getProperty(SERVER_PROPERTY, "");
    this.server = elsewhere.isBlank() ? Deployments.loopback(deploymentUrl).resolve("/") : URI.create(elsewhere);
    this.api = new Api(deploymentUrl);
  }

  /** The readiness answer: 200 with UP, 503 with DOWN. */
  public Api.Reply ready() {
    return get("health/ready");
  }

  public Api.Reply live() {
    return get("health/live");
  }

  private Api.Reply get(String path) {
    return api.send(HttpRequest.newBuilder(server.resolve(path)).timeout(Duration.ofSeconds(30)).GET().build());
  }

  /** The named check of a health answer, if it is there. */
  public static Optional<JsonObject> check(Api.Reply reply, String name) {
    return reply.json().getJsonArray("checks").getValuesAs(JsonObject.class).stream()
        .filter(c -> name.equals(c.getString("name")))
        .findFirst();
  }

  /** Polls readiness until its status is {@code status} (a check may lag a change by a moment). */
  public Api.Reply awaitReady(String status, Duration timeout) {
    long end = System.nanoTime() + timeout.toNanos();
    Api.Reply reply = ready();
    while (!status.equals(reply.json().getString("status")) && System.nanoTime() < end) {
      try {
        Thread.sleep(250);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
      reply = ready();
    }
    return reply;
  }
}
