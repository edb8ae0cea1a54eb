package dev.depot.it;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** A small HTTP client for Depot's API, talking to 127.0.0.1 only. */
public final class Api {

  private final URI base;
  private final HttpClient http;
  /** The Authorization header every request gets unless it has its own; null for an anonymous client. */
  private final String authorization;

  /** A client signed in as {@link Users#WRITER}, who may read, write and delete everywhere. */
  public Api(URL deploymentUrl) {
    this(base(deploymentUrl), Users.get(Users.WRITER).basic(), newClient());
  }

  private Api(URI base, String authorization, HttpClient http) {
    this.base = base;
    this.authorization = authorization;
    this.http = http;
  }

  private static URI base(URL deploymentUrl) {
    URI app = Deployments.loopback(deploymentUrl);
    String path = app.getPath().endsWith("/") ? app.getPath() : app.getPath() + "/";
    return app.resolve(path + "api/");
  }

  private static HttpClient newClient() {
    return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
  }

  /** The same server, as test user {@code name} (Basic credentials, see {@link Users}). */
  public Api as(String name) {
    return new Api(base, Users.get(name).basic(), http);
  }

  /** The same server with this Authorization header on every request (a bearer token, bad credentials). */
  public Api withAuthorization(String header) {
    return new Api(base, header, http);
  }

  /** The same server without credentials. */
  public Api anonymous() {
    return new Api(base, null, http);
  }

  /** The Authorization header this client sends, null when anonymous (for raw-socket and curl requests). */
  public String authorization() {
    return authorization;
  }

  private HttpRequest authorized(HttpRequest request) {
    if (authorization == null || request.headers().firstValue("Authorization").isPresent()) {
      return request;
    }
    return HttpRequest.newBuilder(request, (name, value) -> true).header("Authorization", authorization).build();
  }

  /** The API URL of {@code relative}, taken as it is: no dot-segment normalisation, no encoding. */
  public URI uri(String relative) {
    return URI.create(base + relative);
  }

  /** A response with its body read as text, and parsed as JSON on demand. */
  public record Reply(int status, String contentType, String location, String body) {
    public JsonObject json() {
      return Json.createReader(new StringReader(body)).readObject();
    }
  }

  public Reply send(HttpRequest request) {
    try {
      HttpResponse<String> response = http.send(authorized(request), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      return new Reply(
          response.statusCode(),
          response.headers().firstValue("Content-Type").orElse(""),
          response.headers().firstValue("Location").orElse(null),
          response.body());
    } catch (IOException e) {
      throw new AssertionError("request failed: " + request.method() + " " + request.uri(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** Sends a request and hands back the whole response, headers included, body as the handler reads it. */
  public <T> HttpResponse<T> exchange(HttpRequest request, HttpResponse.BodyHandler<T> body) {
    try {
      return http.send(authorized(request), body);
    } catch (IOException e) {
      throw new AssertionError("request failed: " + request.method() + " " + request.uri(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** A request builder for {@code files/{rawPath}}. */
  public HttpRequest.Builder file(String rawPath) {
    return HttpRequest.newBuilder(uri("files/" + rawPath));
  }

  public Reply put(String rawPath, HttpRequest.BodyPublisher body, String contentType) {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri("files/" + rawPath)).PUT(body);
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    return send(b.build());
  }

  public Reply put(String rawPath, byte[] body) {
    return put(rawPath, HttpRequest.BodyPublishers.ofByteArray(body), "application/octet-stream");
  }

  public Reply post(String relative, Multipart body) {
    return send(
        HttpRequest.newBuilder(uri(relative))
            .POST(body.publisher())
            .header("Content-Type", body.contentType())
            .build());
  }
}
