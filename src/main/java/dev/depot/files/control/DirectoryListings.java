package dev.depot.files.control;

import dev.depot.access.control.AccessPolicy;
import dev.depot.access.control.Permission;
import dev.depot.problem.DepotException;
import dev.depot.problem.Problem;
import dev.depot.storage.control.PrefixRange;
import dev.depot.storage.control.StoragePaths;
import dev.depot.storage.control.StoredFiles;
import dev.depot.storage.entity.StoredFile;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * One level of the listing, as a directory shows it (S3's {@code delimiter=/}): the files right below
 * a prefix, and each directory below it once (as {@code "prefix/name/"}) instead of everything inside
 * it, in one path-ordered, keyset-paginated sequence. Built for the web page, which browses without
 * loading a whole tree.
 *
 * <p>Directories are not rows: a directory is found by its first row, and the next query starts past
 * all of it, at {@link PrefixRange} of {@code "name/"} (the key range ends where the character after
 * the slash is incremented), so a directory of a million files costs one row read. The cursor is the
 * last entry handed out, a file's path or a directory's {@code "name/"} (no stored path ends in a
 * slash), base64url as in {@link Listings}; after a directory the next page starts past its range.
 *
 * <p>A caller whose grants cover only part of the prefix sees only files it may read, and a directory
 * only if it may read one file inside; both kinds of search together look at no more than {@link
 * Listings#MAX_SCANNED} rows a request, after which the page ends early with a sealed cursor.
 */
@ApplicationScoped
public class DirectoryListings {

  /** Rows fetched right after a directory (see {@link Walk#from}). */
  static final int AFTER_DIRECTORY_BATCH = 16;

  /** The one delimiter Depot lists by: its paths are slash-separated. */
  public static final String DELIMITER = "/";

  @Inject StoredFiles storedFiles;
  @Inject AccessPolicy access;

  /** One page: directories ({@code "…/"}) and files, each in path order, and the next page's cursor. */
  public record Page(List<String> directories, List<StoredFile> files, Optional<String> next) {}

  /**
   * @param prefix the directory to show ({@code "a/b/"}), or any prefix; null for the top
   * @param limit entries per page (directories and files together), null for {@link Listings#DEFAULT_LIMIT}
   * @param cursor the {@code next} of the previous page, null for the first
   */
  public Page list(String prefix, Integer limit, String cursor) {
    String p = prefix == null ? "" : prefix;
    if (p.getBytes(StandardCharsets.UTF_8).length > StoragePaths.MAX_KEY_BYTES) {
      throw new DepotException(Problem.INVALID_PARAMETER, "The prefix is longer than a path can be.");
    }
    if (limit != null && limit < 1) {
      throw new DepotException(Problem.INVALID_PARAMETER, "The limit must be at least 1.");
    }
    int size = limit == null ? Listings.DEFAULT_LIMIT : Math.min(limit, Listings.MAX_LIMIT);
    String position = cursor == null || cursor.isEmpty() ? "" : Listings.decode(cursor);
    if (!position.isEmpty() && !position.startsWith(p)) {
      throw new DepotException(Problem.INVALID_PARAMETER, "The cursor belongs to another prefix.");
    }
    Predicate<String> readable = access.allowsAllBelow(Permission.READ, p.substring(0, p.lastIndexOf('/') + 1))
        ? path -> true
        : access.allowsEach(Permission.READ);
    return new Walk(p, size, readable).from(position);
  }

  /** The state of one request's walk over the keys. */
  private final class Walk {
    private final String prefix;
    private final int size;
    private final Predicate<String> readable;
    private final List<String> directories = new ArrayList<>();
    private final List<StoredFile> files = new ArrayList<>();
    private int scanned;
    private String lastEntry = "";

    Walk(String prefix, int size, Predicate<String> readable) {
      this.prefix = prefix;
      this.size = size;
      this.readable = readable;
    }

    Page from(String position) {
      String after = position;
      // After a directory, the next rows may well be another directory: a small batch then, so that a
      // listing of many directories reads few rows it does not use (each directory ends a batch).
      int batch = size + 1;
      while (true) {
        Optional<String> from = Optional.empty();
        if (after.endsWith(DELIMITER)) { // past a whole directory, or nothing is left
          from = PrefixRange.of(after).upper();
          if (from.isEmpty()) {
            return done();
          }
        }
        List<StoredFile> rows = from.isPresent()
            ? storedFiles.pageFrom(prefix, from.get(), batch)
            : storedFiles.page(prefix, after, batch);
        if (rows.isEmpty()) {
          return done();
        }
        for (StoredFile row : rows) {
          if (scanned >= Listings.MAX_SCANNED) {
            return new Page(List.copyOf(directories), List.copyOf(files), Optional.of(Listings.seal(after)));
          }
          scanned++;
          String path = row.getPath();
          int slash = path.indexOf('/', prefix.length());
          if (slash < 0) {
            after = path;
            if (readable.test(path)) {
              if (full()) {
                return more();
              }
              files.add(row);
              lastEntry = path;
            }
            continue;
          }
          String directory = path.substring(0, slash + 1);
          Inside inside = readable.test(path) ? new Inside(true, path) : readableInside(directory, path);
          if (inside.unknown()) { // out of budget inside the directory: go on from the last row looked at
            return new Page(List.copyOf(directories), List.copyOf(files), Optional.of(Listings.seal(inside.last())));
          }
          if (inside.visible()) {
            if (full()) {
              return more();
            }
            directories.add(directory);
            lastEntry = directory;
          }
          after = directory;
          break; // the next query starts past the directory
        }
        if (!after.endsWith(DELIMITER) && rows.size() < batch) {
          return done();
        }
        batch = after.endsWith(DELIMITER) ? Math.min(size + 1, AFTER_DIRECTORY_BATCH) : size + 1;
      }
    }

    /**
     * Whether a row below {@code directory} after {@code first} is readable, and the last row looked
     * at; {@code unknown} if the budget ran out first (the page then ends with a cursor at that row,
     * so the next request goes on from there instead of scanning the same rows again).
     */
    private record Inside(Boolean visibleOrNull, String last) {
      boolean unknown() {
        return visibleOrNull == null;
      }

      boolean visible() {
        return Boolean.TRUE.equals(visibleOrNull);
      }
    }

    private Inside readableInside(String directory, String first) {
      String after = first;
      while (scanned < Listings.MAX_SCANNED) {
        List<StoredFile> rows = storedFiles.page(directory, after, Listings.MAX_LIMIT);
        for (StoredFile row : rows) {
          if (++scanned > Listings.MAX_SCANNED) {
            return new Inside(null, after);
          }
          after = row.getPath();
          if (readable.test(after)) {
            return new Inside(true, after);
          }
        }
        if (rows.size() < Listings.MAX_LIMIT) {
          return new Inside(false, after);
        }
      }
      return new Inside(null, after);
    }

    private boolean full() {
      return directories.size() + files.size() == size;
    }

    private Page more() {
      return new Page(List.copyOf(directories), List.copyOf(files), Optional.of(Listings.encode(lastEntry)));
    }

    private Page done() {
      return new Page(List.copyOf(directories), List.copyOf(files), Optional.empty());
    }
  }
}
