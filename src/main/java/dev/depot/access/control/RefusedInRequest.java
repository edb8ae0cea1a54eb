package dev.depot.access.control;

import jakarta.enterprise.context.RequestScoped;
import java.util.Optional;

/**
 * The stored path the current request was last refused on, by {@link AccessPolicy#require} or a
 * quota: what the audit records as a refusal's path when the URL names none. A multipart body names
 * its paths only in its parts, so without this a part aimed at a directory the caller may not write
 * was audited with no path at all.
 */
@RequestScoped
public class RefusedInRequest {

  private String path;

  /** {@code path} was refused; a later refusal in the same request replaces it (the last one ends it). */
  public void refused(String path) {
    this.path = path;
  }

  public Optional<String> path() {
    return Optional.ofNullable(path);
  }
}
