package dev.depot.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** The directories the test server was started with (see src/test/scripts/it-dirs.sh). */
public final class ItDirs {

  private ItDirs() {}

  public static Path base() {
    return Path.of(System.getProperty("depot.it.dir", "target/it")).toAbsolutePath();
  }

  /** The server's depot.results-dir. */
  public static Path results() {
    return base().resolve("results");
  }

  /** The server's java.io.tmpdir. */
  public static Path serverTmp() {
    return base().resolve("tmp");
  }

  /** "tmpfs …" when the server's java.io.tmpdir is a real tmpfs, else "plain (reason)". */
  public static String tmpfsStatus() {
    try {
      return Files.readString(base().resolve("tmpfs-status")).trim();
    } catch (IOException e) {
      return "plain (no status file: was it-dirs.sh run?)";
    }
  }

  /** Every regular file under {@code dir} with its size: to show that a request wrote nothing. */
  public static Map<Path, Long> files(Path dir) {
    Map<Path, Long> files = new TreeMap<>();
    if (!Files.exists(dir)) {
      return files;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.filter(Files::isRegularFile).forEach(p -> files.put(p, p.toFile().length()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return files;
  }
}
