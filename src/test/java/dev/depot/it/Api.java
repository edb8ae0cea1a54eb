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
  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();

  public Api(URL deploymentUrl) {
    URI app = Deployments.loopback(deploymentUrl);
    String path = app.getPath().endsWith("/") ? app.getPath() : app.getPath() + "/";
    this.base = app.resolve(path + "api/");
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
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
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
      return http.send(request, body);
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
