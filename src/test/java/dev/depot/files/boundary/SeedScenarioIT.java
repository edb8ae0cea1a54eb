package dev.depot.files.boundary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.depot.it.Api;
import dev.depot.it.Deployments;
import dev.depot.it.Digests;
import dev.depot.it.ItDirs;
import dev.depot.it.Multipart;
import dev.depot.it.RandomBytes;
import dev.depot.it.TmpdirWatch;
import java.io.IOException;
import java.net.URL;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.util.UUID;
import java.util.function.Supplier;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The failure Depot exists for: the server's {@code java.io.tmpdir} is a 32 MiB tmpfs and every upload
 * kind carries a file several times larger. Each must succeed with the right bytes, and nothing may be
 * written under {@code java.io.tmpdir} while it runs (watched live, not checked afterwards).
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class SeedScenarioIT {

  private static final long SIZE = 200L << 20;

  @Deployment(testable = false)
  static WebArchive deployment() {
    return Deployments.war();
  }

  @ArquillianResource URL base;

  private final String prefix = "seed-" + UUID.randomUUID();

  @BeforeEach
  void serverTmpdirIsASmallTmpfs() throws IOException {
    String status = ItDirs.tmpfsStatus();
    if (!status.startsWith("tmpfs")) {
      String message = "SEED SCENARIO NOT RUN: the server's java.io.tmpdir is not a tmpfs: " + status
          + ". Run the build as root (as CI does) so src/test/scripts/it-dirs.sh can mount one.";
      System.err.println("!!!!! " + message);
      if ("true".equals(System.getenv("CI"))) {
        fail(message);
      }
      // Outside CI a developer without root still gets the rest of the suite; the skip is loud.
      Assumptions.abort(message);
    }
    long capacity = Files.getFileStore(ItDirs.serverTmp()).getTotalSpace();
    assertTrue(SIZE >= 4 * capacity, "the upload must be several times larger than java.io.tmpdir (" + capacity + " bytes)");
  }

  @Test
  void putOfAFileLargerThanTmpdirNeverTouchesIt() {
    String path = prefix + "/put.bin";
    Api.Reply reply = watched(() -> new Api(base).put(path, HttpRequest.BodyPublishers.fromPublisher(
        HttpRequest.BodyPublishers.ofInputStream(() -> new RandomBytes(1, SIZE)), SIZE), "application/octet-stream"));
    assertEquals(201, reply.status(), reply.body());
    assertStored(path, 1);
  }

  @Test
  void multipartFilesUploadLargerThanTmpdirNeverTouchesIt() {
    Multipart body = new Multipart().field("dir", prefix).file("file", "multi.bin", "application/octet-stream", () -> new RandomBytes(2, SIZE), SIZE);
    Api.Reply reply = watched(() -> new Api(base).post("files", body));
    assertEquals(201, reply.status(), reply.body());
    assertStored(prefix + "/multi.bin", 2);
  }

  @Test
  void seedUploadEndpointLargerThanTmpdirNeverTouchesIt() {
    String name = prefix + "-upload.bin";
    Multipart body = new Multipart().file("upload_file", name, "application/octet-stream", () -> new RandomBytes(3, SIZE), SIZE);
    Api.Reply reply = watched(() -> new Api(base).post("upload", body));
    assertEquals(200, reply.status(), reply.body());
    assertEquals(SIZE, reply.json().getJsonNumber("bytes").longValueExact());
    assertStored(name, 3);
  }

  @Test
  void seedStreamEndpointLargerThanTmpdirNeverTouchesIt() {
    Api api = new Api(base);
    HttpRequest request =
        HttpRequest.newBuilder(api.uri("stream?filename=stream.bin&filedir=" + prefix))
            .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new RandomBytes(4, SIZE)))
            .build();
    Api.Reply reply = watched(() -> api.send(request));
    assertEquals(200, reply.status(), reply.body());
    assertStored(prefix + "/stream.bin", 4);
  }

  private static Api.Reply watched(Supplier<Api.Reply> upload) {
    TmpdirWatch watch = TmpdirWatch.start(ItDirs.serverTmp());
    Api.Reply reply;
    try {
      reply = upload.get();
    } finally {
      watch.close();
    }
    assertEquals(java.util.List.of(), watch.created(), "entries written to the server's java.io.tmpdir");
    assertTrue(watch.peakGrowth() < (1 << 20), "java.io.tmpdir grew by " + watch.peakGrowth() + " bytes during the upload");
    return reply;
  }

  private static void assertStored(String path, long seed) {
    assertEquals(RandomBytes.sha256(seed, SIZE), Digests.sha256(ItDirs.results().resolve(path)));
  }
}
