package dev.depot.files.control;

import dev.depot.storage.control.StoredFiles;
import dev.depot.storage.control.WritePrecondition;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depot.it.Api;
import dev.depot.it.Deployments;
import dev.depot.it.ItDirs;
import jakarta.inject.Inject;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.lang.management.ManagementFactory;
import java.net.URL;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.UUID;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * In-container: a 1 GiB download must stream, not be held in the server's heap. The test runs inside
 * the server's JVM, so it can read that JVM's heap: it downloads over HTTP (loopback) and, every 128
 * MiB, stops reading, forces a full GC and measures the live heap. A server that buffered the file —
 * or any growing part of it — would show it there, because the client has not consumed those bytes
 * yet; comparing heap after the download instead would prove nothing (buffered bytes are garbage by
 * then). The server's heap is 512 MiB (arquillian.xml), so buffering the whole file would also fail.
 *
 * <p>The file is made sparse (no 1 GiB disk write) and recorded directly; uploads are tested elsewhere.
 */
@ExtendWith(ArquillianExtension.class)
class LargeDownloadIT {

  private static final long SIZE = 1L << 30;
  private static final long CHECKPOINT = 128L << 20;

  /** Most the live heap may grow while the download is under way. */
  private static final long MAX_GROWTH = 24L << 20;

  @Deployment
  static WebArchive deployment() {
    return Deployments.withTestClients();
  }

  @Inject StoredFiles storedFiles;
  @Inject dev.depot.storage.control.Stores stores;

  @ArquillianResource URL base;

  private final String prefix = "large-" + UUID.randomUUID();

  @Test
  void oneGibDownloadStreamsWithFlatHeap() throws Exception {
    String path = prefix + "/one-gib.bin";
    Path file = ItDirs.results().resolve(path);
    Files.createDirectories(file.getParent());
    try (RandomAccessFile sparse = new RandomAccessFile(file.toFile(), "rw")) {
      sparse.setLength(SIZE);
    }
    String sha256 = sha256OfZeros(SIZE);
    java.time.Instant mtime = Files.getLastModifiedTime(file).toInstant();
    storedFiles.record(
        path, new StoredFiles.Bytes(SIZE, sha256, stores.currentAttachment().id(), mtime.getEpochSecond() * 1_000_000_000L + mtime.getNano()),
        "application/octet-stream", null, Instant.now(), WritePrecondition.NONE, "it");
    Api api = new Api(base);
    try {
      warmUp(api, prefix + "/warm-up"); // first requests load classes; not the download's cost
      long baseline = liveHeap();
      long maxGrowth = 0;
      long started = System.nanoTime();

      HttpResponse<InputStream> response =
          api.exchange(api.file(path).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
      assertEquals(200, response.statusCode());
      assertEquals(String.valueOf(SIZE), response.headers().firstValue("Content-Length").orElse(null));
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      long total = 0;
      long next = CHECKPOINT;
      try (InputStream in = response.body()) {
        byte[] buffer = new byte[64 * 1024];
        int n;
        while ((n = in.read(buffer)) != -1) {
          md.update(buffer, 0, n);
          total += n;
          if (total >= next) {
            long growth = liveHeap() - baseline;
            maxGrowth = Math.max(maxGrowth, growth);
            System.out.printf("LargeDownloadIT: %4d MiB read, live heap %+.1f MiB%n", total >> 20, growth / 1048576.0);
            next += CHECKPOINT;
          }
        }
      }
      double seconds = (System.nanoTime() - started) / 1e9;

      System.out.printf(
          "LargeDownloadIT: 1 GiB in %.1f s (%.0f MiB/s incl. 8 forced GCs and client SHA-256), baseline live heap %.1f MiB, max growth %.1f MiB%n",
          seconds, SIZE / 1048576.0 / seconds, baseline / 1048576.0, maxGrowth / 1048576.0);
      assertEquals(SIZE, total);
      assertEquals(sha256, HexFormat.of().formatHex(md.digest()));
      assertTrue(maxGrowth < MAX_GROWTH, "live heap grew by " + maxGrowth + " bytes during a 1 GiB download");
    } finally {
      api.send(api.file(path).DELETE().build());
    }
  }

  /** A small stored file, downloaded once so that the download path is loaded and warm. */
  private static void warmUp(Api api, String path) {
    assertEquals(201, api.put(path, new byte[1000]).status());
    HttpResponse<byte[]> warm = api.exchange(api.file(path).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(200, warm.statusCode());
  }

  /** Used heap after a full collection: what is live. */
  private static long liveHeap() {
    for (int i = 0; i < 2; i++) {
      System.gc();
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  private static String sha256OfZeros(long size) throws Exception {
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    byte[] zeros = new byte[1 << 20];
    for (long done = 0; done < size; done += zeros.length) {
      md.update(zeros, 0, (int) Math.min(zeros.length, size - done));
    }
    return HexFormat.of().formatHex(md.digest());
  }
}
