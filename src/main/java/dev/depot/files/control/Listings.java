package dev.depot.files.control;

import dev.depot.access.control.AccessPolicy;
import dev.depot.access.control.Permission;
import dev.depot.storage.control.StoragePaths;
import dev.depot.storage.control.StoredFiles;

import dev.depot.problem.DepotException;
import dev.depot.problem.Problem;

import dev.depot.storage.entity.StoredFile;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Lists stored files from the database, in path order, a page at a time. Pages are keyset-paginated:
 * the cursor is the last path of the previous page (base64url, so clients treat it as opaque), and the
 * next page starts strictly after it. Unlike an offset, that stays correct while files are added or
 * removed: no row is seen twice and none that existed throughout is skipped.
 */
@ApplicationScoped
public class Listings {

  /** Page size when a client names none. */
  public static final int DEFAULT_LIMIT = 100;

  /** Largest page; a larger {@code limit} is capped to it. */
  public static final int MAX_LIMIT = 1000;

  /** Most rows one request looks at while skipping rows the caller may not read; the page then ends early. */
  static final int MAX_SCANNED = 10 * MAX_LIMIT;

  @Inject StoredFiles storedFiles;
  @Inject AccessPolicy access;

  /** One page, and the cursor of the next one if there may be more. */
  public record Page(List<StoredFile> items, Optional<String> next) {}

  /**
   * @param prefix only paths starting with it (literally; may end mid-segment); null for all
   * @param limit page size, null for {@link #DEFAULT_LIMIT}; capped at {@link #MAX_LIMIT}
   * @param cursor the {@code next} of the previous page, null for the first
   * @throws DepotException INVALID_PARAMETER if the limit is below 1, the cursor is not one Depot made, or
   *     the prefix is longer than a path can be
   */
  public Page list(String prefix, Integer limit, String cursor) {
    String p = prefix == null ? "" : prefix;
    if (p.getBytes(StandardCharsets.UTF_8).length > StoragePaths.MAX_KEY_BYTES) {
      throw new DepotException(Problem.INVALID_PARAMETER, "The prefix is longer than a path can be.");
    }
    if (limit != null && limit < 1) {
      throw new DepotException(Problem.INVALID_PARAMETER, "The limit must be at least 1.");
    }
    int size = limit == null ? DEFAULT_LIMIT : Math.min(limit, MAX_LIMIT);
    String after = cursor == null || cursor.isEmpty() ? "" : decode(cursor);
    if (!access.allowsAllBelow(Permission.READ, p.substring(0, p.lastIndexOf('/') + 1))) {
      return readablePage(p, after, size);
    }
    // One row more than asked tells whether another page exists, so the last page has no cursor.
    List<StoredFile> rows = storedFiles.page(p, after, size + 1);
    if (rows.size() <= size) {
      return new Page(rows, Optional.empty());
    }
    List<StoredFile> page = rows.subList(0, size);
    return new Page(List.copyOf(page), Optional.of(encode(page.get(size - 1).getPath())));
  }

  /**
   * A page of only the rows the caller may read, for a caller whose grants cover part of the prefix.
   * Rows it may not read are skipped, at most {@link #MAX_SCANNED} of them a request: past that the page
   * ends early with a cursor after the last row looked at, so a sparse listing costs bounded work per
   * request and stays correct page by page.
   */
  private Page readablePage(String prefix, String after, int size) {
    List<StoredFile> visible = new ArrayList<>();
    java.util.function.Predicate<String> readable = access.allowsEach(Permission.READ);
    String last = after;
    int scanned = 0;
    while (scanned < MAX_SCANNED) {
      List<StoredFile> rows = storedFiles.page(prefix, last, MAX_LIMIT);
      for (StoredFile row : rows) {
        if (visible.size() == size) {
          return new Page(List.copyOf(visible), Optional.of(encode(last)));
        }
        scanned++;
        last = row.getPath();
        if (readable.test(row.getPath())) {
          visible.add(row);
        }
      }
      if (rows.size() < MAX_LIMIT) {
        return new Page(List.copyOf(visible), Optional.empty());
      }
    }
    // The last row looked at may be one the caller may not read: its path goes out sealed, never readable.
    return new Page(List.copyOf(visible), Optional.of(seal(last)));
  }

  /** Prefix of a sealed cursor (base64url never contains it). */
  static final char SEALED = '~';

  /** Per process: a sealed cursor from before a restart is refused (400), and the client lists again. */
  private static final javax.crypto.SecretKey CURSOR_KEY = newCursorKey();

  private static javax.crypto.SecretKey newCursorKey() {
    try {
      javax.crypto.KeyGenerator generator = javax.crypto.KeyGenerator.getInstance("AES");
      generator.init(128);
      return generator.generateKey();
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * A cursor that does not show its path (AES-GCM under a key of this process), for a page that ended
   * on a row the caller may not read: a plain cursor would hand out the name of a file the caller may
   * not see, and a client that writes cursors itself could walk such names one page at a time
   * (security review of issue 13).
   */
  static String seal(String path) {
    try {
      byte[] iv = new byte[12];
      new java.security.SecureRandom().nextBytes(iv);
      javax.crypto.Cipher cipher = javax.crypto.Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(javax.crypto.Cipher.ENCRYPT_MODE, CURSOR_KEY, new javax.crypto.spec.GCMParameterSpec(128, iv));
      byte[] sealed = cipher.doFinal(path.getBytes(StandardCharsets.UTF_8));
      byte[] out = new byte[iv.length + sealed.length];
      System.arraycopy(iv, 0, out, 0, iv.length);
      System.arraycopy(sealed, 0, out, iv.length, sealed.length);
      return SEALED + Base64.getUrlEncoder().withoutPadding().encodeToString(out);
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String unseal(String cursor) {
    try {
      byte[] in = Base64.getUrlDecoder().decode(cursor.substring(1));
      if (in.length < 12 + 16) {
        throw new IllegalArgumentException("short");
      }
      javax.crypto.Cipher cipher = javax.crypto.Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(javax.crypto.Cipher.DECRYPT_MODE, CURSOR_KEY, new javax.crypto.spec.GCMParameterSpec(128, in, 0, 12));
      return new String(cipher.doFinal(in, 12, in.length - 12), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException | java.security.GeneralSecurityException e) {
      throw new DepotException(Problem.INVALID_PARAMETER, "The cursor is not one this server gave out (or it restarted since).", e);
    }
  }

  static String encode(String path) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(path.getBytes(StandardCharsets.UTF_8));
  }

  static String decode(String cursor) {
    if (!cursor.isEmpty() && cursor.charAt(0) == SEALED) {
      return unseal(cursor);
    }
    try {
      byte[] bytes = Base64.getUrlDecoder().decode(cursor);
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (IllegalArgumentException | CharacterCodingException e) {
      throw new DepotException(Problem.INVALID_PARAMETER, "The cursor is not one this server gave out.", e);
    }
  }
}
