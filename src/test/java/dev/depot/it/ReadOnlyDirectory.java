package dev.depot.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Makes a directory unwritable for everyone, the server included, until closed. As root (CI), whom
 * permission bits do not stop, the directory is bind-mounted read-only onto itself; otherwise its write
 * bits are taken away.
 */
public final class ReadOnlyDirectory implements AutoCloseable {

  private final Path dir;
  private final boolean mounted;

  private ReadOnlyDirectory(Path dir, boolean mounted) {
    this.dir = dir;
    this.mounted = mounted;
  }

  public static ReadOnlyDirectory of(Path dir) throws IOException {
    if ("root".equals(System.getProperty("user.name"))) {
      run("mount", "--bind", dir.toString(), dir.toString());
      run("mount", "-o", "remount,bind,ro", dir.toString());
      return new ReadOnlyDirectory(dir, true);
    }
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("r-xr-xr-x"));
    return new ReadOnlyDirectory(dir, false);
  }

  @Override
  public void close() throws IOException {
    if (mounted) {
      run("umount", dir.toString());
    } else {
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
  }

  private static void run(String... command) throws IOException {
    Process process = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
        throw new IOException(String.join(" ", command) + " failed: " + output);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }
}
