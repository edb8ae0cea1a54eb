package dev.depot.storage.control;

import dev.depot.problem.DepotException;
import dev.depot.problem.Problem;

import dev.depot.storage.entity.StoredFile;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.Set;

/**
 * What a writer expects the current version of a path to be (HTTP's {@code If-Match}, {@code
 * If-Unmodified-Since} and {@code If-None-Match}, RFC 9110 §13.1.1–2 and §13.1.4, with the version named
 * by its SHA-256 or dated by its row's {@code modified} time). Checked against the path's row before the
 * body is read (fail fast) and again under the path's lock right before the commit, so the check and the
 * write are atomic with respect to other writers of the path. The order is RFC 9110 §13.2.2's: {@code
 * ifMatch}, else {@code unmodifiedSince}; then {@code ifNoneMatch}.
 *
 * @param ifMatch null when not asked; otherwise the write proceeds only if the path exists and (unless
 *     {@link Versions#any()}) its SHA-256 is one of the given
 * @param ifNoneMatch null when not asked; otherwise the write is refused if the path exists and (unless
 *     {@link Versions#any()}) its SHA-256 is one of the given
 * @param unmodifiedSince null when not asked, and not looked at when {@code ifMatch} is given (the more
 *     precise condition); otherwise the write proceeds only if the path exists and its modified time, in
 *     whole seconds as {@code Last-Modified} states it, is not after this instant. Nothing stored fails:
 *     the version the client dated is gone, and recreating the path would be the lost update the
 *     condition guards against (as {@code If-Match} with a tag fails there too). Whole seconds also mean
 *     that a version written within the same second as the dated one passes: only an entity tag tells
 *     them apart.
 */
public record WritePrecondition(Versions ifMatch, Versions ifNoneMatch, Instant unmodifiedSince) {

  /** No condition: last writer wins. */
  public static final WritePrecondition NONE = new WritePrecondition(null, null);

  /** Create-only: refused if anything is stored at the path. */
  public static final WritePrecondition CREATE_ONLY = new WritePrecondition(null, Versions.ANY);

  /** A precondition on entity tags only. */
  public WritePrecondition(Versions ifMatch, Versions ifNoneMatch) {
    this(ifMatch, ifNoneMatch, null);
  }

  /** A set of versions (SHA-256, lowercase hex), or any version ({@code *}). */
  public record Versions(boolean any, Set<String> sha256s) {

    public static final Versions ANY = new Versions(true, Set.of());

    public Versions {
      sha256s = Set.copyOf(sha256s);
    }

    public static Versions of(Set<String> sha256s) {
      return new Versions(false, sha256s);
    }

    boolean contains(StoredFile file) {
      return any || sha256s.contains(file.getSha256());
    }
  }

  public boolean isNone() {
    return ifMatch == null && ifNoneMatch == null && unmodifiedSince == null;
  }

  /**
   * @throws DepotException PRECONDITION_FAILED if {@code current} (the path's row, empty if nothing is stored
   *     there) does not satisfy this precondition
   */
  public void check(Optional<StoredFile> current) {
    if (ifMatch != null) {
      if (!current.map(ifMatch::contains).orElse(false)) {
        throw new DepotException(Problem.PRECONDITION_FAILED,
            current.isEmpty()
                ? "Nothing is stored at this path, but the request requires an existing version."
                : "The file at this path is not the version the request requires.");
      }
    } else if (unmodifiedSince != null) {
      if (current.isEmpty()) {
        throw new DepotException(Problem.PRECONDITION_FAILED,
            "Nothing is stored at this path, but the request requires a version unmodified since a date.");
      }
      if (current.get().getModified().truncatedTo(ChronoUnit.SECONDS).isAfter(unmodifiedSince)) {
        throw new DepotException(Problem.PRECONDITION_FAILED,
            "The file at this path was modified after the date the request gives.");
      }
    }
    if (ifNoneMatch != null && current.map(ifNoneMatch::contains).orElse(false)) {
      throw new DepotException(Problem.PRECONDITION_FAILED, 
          ifNoneMatch.any()
              ? "A file is already stored at this path."
              : "The file at this path is a version the request excludes.");
    }
  }
}
