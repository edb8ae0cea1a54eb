package dev.depot.access.control;

/**
 * How much one user may have stored: bytes and files, each {@link #UNLIMITED} when no limit applies.
 * Usage is charged to the user who wrote each file's current bytes (a signed link's uploads to its
 * issuer), see {@link Quotas}.
 */
public record Quota(long bytes, long files) {

  /** No limit. */
  public static final long UNLIMITED = Long.MAX_VALUE;

  /** Neither bytes nor files are limited. */
  public static final Quota NONE = new Quota(UNLIMITED, UNLIMITED);

  public boolean unlimited() {
    return bytes == UNLIMITED && files == UNLIMITED;
  }

  /** What one user has stored: the sum of the sizes and the number of the files charged to them. */
  public record Usage(long bytes, long files) {
    public static final Usage NONE = new Usage(0, 0);

    public Usage plus(Usage other) {
      return new Usage(bytes + other.bytes, files + other.files);
    }
  }
}
