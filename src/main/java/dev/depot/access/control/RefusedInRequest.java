package dev.depot.access.control;

import jakarta.enterprise.context.RequestScoped;
import java.util.Optional;

/**
 * The stored path the current request was last refused on, by {@link AccessPolicy#require} or a
 * quota: what the audit records as a refusal's path when the URL names none. A multipart body names
 * its paths only in its parts, so without this a part aimed at a directory the caller may not write
 * was audited with no path at all. Also the user name a refused sign-in form claimed ({@code POST
 * /session}), which is in the body, where the audit cannot read it.
 */
@RequestScoped
public class RefusedInRequest {

  private String path;
  private String claimedPrincipal;

  /** {@code path} was refused; a later refusal in the same request replaces it (the last one ends it). */
  public void refused(String path) {
    this.path = path;
  }

  public Optional<String> path() {
    return Optional.ofNullable(path);
  }

  /** A sign-in for {@code userName} was refused (wrong name or password). */
  public void claimed(String userName) {
    this.claimedPrincipal = userName;
  }

  public Optional<String> claimedPrincipal() {
    return Optional.ofNullable(claimedPrincipal);
  }
}
