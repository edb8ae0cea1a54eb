package dev.depot.storage.control;

import dev.depot.problem.DepotException;
import dev.depot.problem.Problem;

import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What an untrusted path (a URL path, {@code filedir}, {@code dir}, a part's filename) may be, and how
 * it maps under the results directory.
 *
 * <p>A key is a relative path of {@code /}-separated segments. Rejected: empty, absolute, drive letters,
 * backslashes, {@code .} and {@code ..} segments (also after Unicode NFKC folding, so full-width dots
 * and slashes cannot stand in for them), empty segments, control and invisible format characters,
 * names Windows reserves (so a store can be shared with Windows clients), names ending in a dot or a
 * space, segments over 255 bytes and keys over 1024 bytes of UTF-8. A key is returned in Unicode NFC,
 * so one name has one spelling. The filesystem side (links, files in the way) is the store's: it walks
 * a key one open directory at a time ({@code Tree}).
 */
public final class StoragePaths {

  /** Longest key, in UTF-8 bytes. */
  public static final int MAX_KEY_BYTES = 1024;

  /** Longest segment, in UTF-8 bytes (the common filesystem limit). */
  public static final int MAX_SEGMENT_BYTES = 255;

  private static final Pattern DRIVE = Pattern.compile("^[A-Za-z]:.*");
  private static final Set<String> WINDOWS_RESERVED =
      Set.of(
          "con", "prn", "aux", "nul", "com1", "com2", "com3", "com4", "com5", "com6", "com7", "com8",
          "com9", "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9");

  private StoragePaths() {}

  /**
   * Validates an untrusted relative path and returns it as a key.
   *
   * @throws DepotException INVALID_PATH with a message safe to show the client
   */
  public static String key(String untrusted) {
    if (untrusted == null || untrusted.isEmpty()) {
      throw new DepotException(Problem.INVALID_PATH, "The path is empty.");
    }
    // One spelling per name: macOS clients send decomposed (NFD) names, most others composed (NFC);
    // kept as sent, "é" could be two files that look the same (issue 11, item 9).
    String raw = Normalizer.normalize(untrusted, Normalizer.Form.NFC);
    if (raw.startsWith("/") || DRIVE.matcher(raw).matches()) {
      throw new DepotException(Problem.INVALID_PATH, "The path must be relative.");
    }
    if (raw.getBytes(StandardCharsets.UTF_8).length > MAX_KEY_BYTES) {
      throw new DepotException(Problem.INVALID_PATH, "The path is longer than " + MAX_KEY_BYTES + " bytes.");
    }
    for (String segment : raw.split("/", -1)) {
      checkSegment(segment);
    }
    return raw;
  }

  /** Joins an optional directory key and a single name into a key, validating both. */
  public static String join(String dir, String name) {
    if (name == null || name.isEmpty() || name.contains("/")) {
      throw new DepotException(Problem.INVALID_PATH, "The file name must be a single non-empty name.");
    }
    if (dir == null || dir.isEmpty()) {
      return key(name);
    }
    String d = dir.endsWith("/") ? dir.substring(0, dir.length() - 1) : dir;
    return key(d + "/" + name);
  }

  /**
   * Reduces a client-supplied filename to its last segment: browsers (old IE, some tools) send the
   * client's full path, with {@code /} or {@code \}. The result is validated as a key segment.
   */
  public static String baseName(String filename) {
    if (filename == null) {
      throw new DepotException(Problem.INVALID_PATH, "The part has no file name.");
    }
    int cut = Math.max(filename.lastIndexOf('/'), filename.lastIndexOf('\\'));
    String base = Normalizer.normalize(filename.substring(cut + 1).strip(), Normalizer.Form.NFC);
    checkSegment(base);
    return base;
  }

  /**
   * Refuses a key with more than {@code maxDepth} segments: every segment but the last is a directory
   * that admission does not count, so depth is capped like size (issue 11, item 10).
   *
   * @throws DepotException INVALID_PATH
   */
  public static void checkDepth(String key, int maxDepth) {
    int segments = 1;
    for (int i = 0; i < key.length(); i++) {
      if (key.charAt(i) == '/' && ++segments > maxDepth) {
        throw new DepotException(Problem.INVALID_PATH, "The path is deeper than " + maxDepth + " segments.");
      }
    }
  }

  private static void checkSegment(String segment) {
    if (segment.isEmpty()) {
      throw new DepotException(Problem.INVALID_PATH, "The path has an empty segment.");
    }
    if (segment.getBytes(StandardCharsets.UTF_8).length > MAX_SEGMENT_BYTES) {
      throw new DepotException(Problem.INVALID_PATH, "A path segment is longer than " + MAX_SEGMENT_BYTES + " bytes.");
    }
    for (int i = 0; i < segment.length(); ) {
      int cp = segment.codePointAt(i);
      int type = Character.getType(cp);
      if (cp == '\\' || Character.isISOControl(cp) || type == Character.FORMAT
          || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR
          || type == Character.SURROGATE || type == Character.UNASSIGNED || type == Character.PRIVATE_USE
          || cp == 0xFFFD) {
        throw new DepotException(Problem.INVALID_PATH, "The path has a forbidden character.");
      }
      i += Character.charCount(cp);
    }
    String folded = Normalizer.normalize(segment, Normalizer.Form.NFKC);
    if (folded.equals(".") || folded.equals("..") || folded.contains("/") || folded.contains("\\")) {
      throw new DepotException(Problem.INVALID_PATH, "The path may not contain '.' or '..' segments or look-alikes.");
    }
    if (segment.endsWith(".") || segment.endsWith(" ") || segment.startsWith(" ")) {
      throw new DepotException(Problem.INVALID_PATH, "A path segment may not start with a space or end with a dot or space.");
    }
    int dot = folded.indexOf('.');
    String stem = (dot < 0 ? folded : folded.substring(0, dot)).strip().toLowerCase(Locale.ROOT);
    if (WINDOWS_RESERVED.contains(stem)) {
      throw new DepotException(Problem.INVALID_PATH, "The path uses a reserved device name.");
    }
  }
}
