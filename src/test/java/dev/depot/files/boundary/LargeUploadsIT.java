package dev.depot.files.boundary;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.depot.it.Api;
import dev.depot.it.Deployments;
import dev.depot.it.Digests;
import dev.depot.it.ItDirs;
import dev.depot.it.Multipart;
import dev.depot.it.RandomBytes;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.net.URL;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.function.Supplier;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A 1 GiB PUT and a 1 GiB multipart upload, both with a {@code Content-Length}, far beyond a server's
 * stock body cap (Undertow's {@code max-post-size}, 10 MiB: a bare 400 before Depot sees the request,
 * or a reset). They pass only on a server configured like production: on WildFly, with
 * {@code docker/wildfly/depot.cli} applied. The bytes are generated while sending, so neither side
 * holds more than a buffer. The build runs this class in the WildFly suite only (Payara has no such
 * cap, and each class costs Payara Micro a boot); the time each upload took is printed, never asserted.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class LargeUploadsIT {

  private static final long SIZE = 1L << 30;

  @Deployment(testable = false)
  static WebArchive deployment() {
    return Deployments.war();
  }

  @ArquillianResource URL base;

  private final String prefix = "large-" + UUID.randomUUID();

  @Test
  void putOfOneGibibyteIsStored() throws IOException {
    String path = prefix + "/put.bin";
    HttpRequest.BodyPublisher body =
        HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(() -> new RandomBytes(41, SIZE)), SIZE);

    Api.Reply reply = timed("PUT", () -> new Api(base).put(path, body, "application/octet-stream"));

    assertEquals(201, reply.status(), reply.body());
    assertStored(reply.json(), path, 41);
  }

  @Test
  void multipartOfOneGibibyteIsStored() throws IOException {
    Multipart body =
        new Multipart().field("dir", prefix).file("file", "multi.bin", "application/octet-stream", () -> new RandomBytes(42, SIZE), SIZE);

    Api.Reply reply = timed("multipart POST", () -> new Api(base).post("files", body));

    assertEquals(201, reply.status(), reply.body());
    assertStored(reply.json().getJsonArray("files").getJsonObject(0), prefix + "/multi.bin", 42);
  }

  private static Api.Reply timed(String what, Supplier<Api.Reply> upload) {
    long start = System.nanoTime();
    Api.Reply reply = upload.get();
    double seconds = (System.nanoTime() - start) / 1e9;
    System.out.printf("LargeUploadsIT: 1 GiB %s -> %d in %.1f s (%.0f MiB/s)%n", what, reply.status(), seconds, 1024 / seconds);
    return reply;
  }

  private static void assertStored(JsonObject answer, String path, long seed) throws IOException {
    String expected = RandomBytes.sha256(seed, SIZE);
    Path stored = ItDirs.results().resolve(path);
    assertEquals(path, answer.getString("path"));
    assertEquals(SIZE, answer.getJsonNumber("size").longValueExact());
    assertEquals(expected, answer.getString("sha256"));
    assertEquals(SIZE, Files.size(stored));
    assertEquals(expected, Digests.sha256(stored));
    Files.delete(stored); // 1 GiB each; kept only when a check failed, for a look
  }
}
