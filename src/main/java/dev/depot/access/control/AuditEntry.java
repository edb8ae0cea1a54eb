package dev.depot.access.control;

/**
 * What one audit record says happened, before the trail adds when, who and from where: the {@code
 * action} ({@code PUT}, {@code MULTIPART}, {@code UPLOAD}, {@code STREAM}, {@code DELETE}, {@code LINK},
 * {@code READ} for refused reads, or the endpoint's name for other refusals), the stored {@code path}
 * (null when unknown), the stored file's {@code size} and {@code sha256} (null unless a file was
 * stored), the HTTP {@code status}, the problem {@code code} (null on success) and the {@code
 * claimedPrincipal}: the user name refused credentials named (null unless the code is {@code
 * INVALID_CREDENTIALS} and they named one), so that guessing a password leaves the targeted name.
 */
public record AuditEntry(String action, String path, Long size, String sha256, int status, String code, String claimedPrincipal) {

  /** An entry that claims no principal (every entry but a refused login's). */
  public AuditEntry(String action, String path, Long size, String sha256, int status, String code) {
    this(action, path, size, sha256, status, code, null);
  }
}
