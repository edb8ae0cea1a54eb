package dev.depot.storage.control;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The small files that say a directory is Depot's: {@value #STORE} at the top of a results directory
 * (which store it is) and {@value #TEMP} in a temp directory (whose staging area it is). Each holds the
 * store's id; it is written once, atomically and durably, and never changed. Names starting with
 * {@value #RESERVED_PREFIX} at the top of a store are Depot's and can never be a stored path.
 */
final class StoreMarker {

  static final String RESERVED_PREFIX = ".depot-";
  static final String STORE = ".depot-store";
  static final String TEMP = ".depot-temp";

  private static final Pattern ID = Pattern.compile("(?m)^id=([0-9a-f-]{36})\\s*$");

  private StoreMarker() {}

  /**
   * The id in the marker {@code name} in {@code dir}.
   *
   * @return empty if there is no such file (or no such directory)
   * @throws IOException if it exists but cannot be read or holds no id (a damaged marker is never
   *     taken for a missing one)
   */
  static Optional<String> read(Path dir, String name) throws IOException {
    Path file = dir.resolve(name);
    String text;
    try {
      if (Files.isSymbolicLink(file)) {
        throw new IOException(name + " is a link, not Depot's marker");
      }
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
    Matcher m = ID.matcher(text);
    if (!m.find()) {
      throw new IOException(name + " holds no store id");
    }
    return Optional.of(m.group(1));
  }

  static boolean present(Path dir, String name) {
    return Files.isRegularFile(dir.resolve(name), LinkOption.NOFOLLOW_LINKS);
  }

  /** Writes the marker {@code name} into {@code dir}: a temp file, fsynced, renamed, the directory fsynced. */
  static void write(Path dir, String name, String id) throws IOException {
    String text = (name.equals(STORE)
            ? "Depot store: this directory holds files whose metadata a Depot database records.\n"
                + "Do not edit or delete this file; see Depot's README (Stores).\n"
            : "Depot staging area of the store below; Depot deletes its leftovers here.\n")
        + "id=" + id + "\n";
    Path temp = dir.resolve(name + ".new-" + UUID.randomUUID());
    try {
      try (FileChannel out = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        out.write(java.nio.ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
        out.force(true);
      }
      Files.move(temp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(temp);
    }
    try (FileChannel self = FileChannel.open(dir, StandardOpenOption.READ)) {
      self.force(true);
    } catch (IOException e) {
      // a filesystem without directory fsync: the marker is still written; the store notes the lack
    }
  }
}
