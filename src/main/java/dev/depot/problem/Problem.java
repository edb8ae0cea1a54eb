package dev.depot.problem;

/**
 * Every failure Depot names, in one place: its stable wire {@code code} (clients may switch on it;
 * never renamed), the HTTP status it is answered with, and its RFC 9457 {@code title}. A new failure
 * is one line here; code that fails throws {@link DepotException} with one of these and a detail
 * written for the client.
 *
 * <p>The status is a plain number so that the engines below HTTP (storage, uploads) can name their
 * failures without depending on JAX-RS; only the one exception mapper turns it into a response. The
 * title is the status's reason phrase: Depot's problems use the type {@code about:blank}, for which
 * RFC 9457 §4.2.1 asks that the title be the HTTP status phrase.
 */
public enum Problem {
  INVALID_PATH(400, "Bad Request"),
  INVALID_CONTENT_TYPE(400, "Bad Request"),
  UPLOAD_INCOMPLETE(400, "Bad Request"),
  MALFORMED_MULTIPART(400, "Bad Request"),
  MISSING_FILE_PART(400, "Bad Request"),
  DIGEST_MISMATCH(400, "Bad Request"),
  INVALID_DIGEST(400, "Bad Request"),
  INVALID_PARAMETER(400, "Bad Request"),
  UNAUTHENTICATED(401, "Unauthorized"),
  INVALID_CREDENTIALS(401, "Unauthorized"),
  FORBIDDEN(403, "Forbidden"),
  INVALID_SIGNED_LINK(403, "Forbidden"),
  CSRF_REJECTED(403, "Forbidden"),
  NOT_FOUND(404, "Not Found"),
  UPLOAD_TOO_SLOW(408, "Request Timeout"),
  PATH_CONFLICT(409, "Conflict"),
  UPLOAD_OFFSET_MISMATCH(409, "Conflict"),
  UPLOAD_GONE(410, "Gone"),
  PRECONDITION_FAILED(412, "Precondition Failed"),
  UNSUPPORTED_TUS_VERSION(412, "Precondition Failed"),
  UPLOAD_TOO_LARGE(413, "Content Too Large"),
  MULTIPART_LIMIT(413, "Content Too Large"),
  UNSUPPORTED_MEDIA_TYPE(415, "Unsupported Media Type"),
  RANGE_NOT_SATISFIABLE(416, "Range Not Satisfiable"),
  UPLOAD_LOCKED(423, "Locked"),
  TOO_MANY_UPLOADS(429, "Too Many Requests"),
  /** The tus checksum extension's own status for a chunk whose checksum does not match. */
  CHECKSUM_MISMATCH(460, "Checksum Mismatch"),
  STORAGE_FAILURE(500, "Internal Server Error"),
  INTERNAL_ERROR(500, "Internal Server Error"),
  STORE_UNAVAILABLE(503, "Service Unavailable"),
  INSUFFICIENT_STORAGE(507, "Insufficient Storage"),
  QUOTA_EXCEEDED(507, "Insufficient Storage");

  private final int status;
  private final String title;

  Problem(int status, String title) {
    this.status = status;
    this.title = title;
  }

  /** The wire code, e.g. {@code UPLOAD_TOO_LARGE}. */
  public String code() {
    return name();
  }

  public int status() {
    return status;
  }

  public String title() {
    return title;
  }
}
