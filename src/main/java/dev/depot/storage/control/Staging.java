package dev.depot.storage.control;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * How Depot names what it keeps in a temp directory, so that the startup sweep can tell its own
 * leftovers from anything else (which it never touches) and a dead process's leftovers from this one's
 * live files (which it never touches either, issue 11 item 5): every name carries the incarnation of the
 * Depot that made it, a random id drawn once per deployment.
 */
final class Staging {

  /** This deployment's incarnation: 12 hex digits, new at every start. */
  static final String INCARNATION = HexFormat.of().formatHex(new SecureRandom().generateSeed(6));

  /** An upload being received. */
  static final String UPLOAD = "upload";
  /** The previous version of a replaced file, until the new row commits. */
  static final String REPLACED = "replaced";
  /** A removed file, until its row's deletion commits. */
  static final String REMOVED = "removed";
  /** A directory being born, before it is renamed into its parent. */
  static final String DIRECTORY = "dir";
  /** The health check's write probe. */
  static final String PROBE = "health";

  private static final Pattern OURS =
      Pattern.compile("(upload|replaced|removed|dir|health)-([0-9a-f]{12})-[0-9a-f-]{36}(\\.part|\\.bak|\\.probe)?");
  /** Names of Depot versions before incarnations. */
  private static final Pattern EARLIER =
      Pattern.compile("upload-[0-9]+\\.part|(replaced|removed)-[0-9a-f-]{36}\\.bak|\\.health-[0-9]+\\.probe");

  private Staging() {}

  static String name(String kind) {
    String suffix = switch (kind) {
      case UPLOAD -> ".part";
      case REPLACED, REMOVED -> ".bak";
      case PROBE -> ".probe";
      default -> "";
    };
    return kind + "-" + INCARNATION + "-" + UUID.randomUUID() + suffix;
  }

  /** Whether {@code name} is something Depot puts in a temp directory (or its marker). */
  static boolean isDepots(String name) {
    return OURS.matcher(name).matches() || EARLIER.matcher(name).matches() || name.equals(StoreMarker.TEMP)
        || name.equals(PartialFiles.DIRECTORY)
        || name.startsWith(StoreMarker.TEMP + ".new-");
  }

  /** Whether {@code name} was made by this very deployment (so it may be in use right now). */
  static boolean isOurs(String name) {
    java.util.regex.Matcher m = OURS.matcher(name);
    return m.matches() && m.group(2).equals(INCARNATION);
  }

  /** Whether every entry of {@code dir} is Depot's: a temp directory Depot may take over. */
  static boolean onlyDepotEntries(Path dir) throws IOException {
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      for (Path entry : entries) {
        if (!isDepots(entry.getFileName().toString())) {
          return false;
        }
      }
    }
    return true;
  }
}
