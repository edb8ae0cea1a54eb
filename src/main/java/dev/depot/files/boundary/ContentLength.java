package dev.depot.files.boundary;

/**
 * The length a request declares for its body, which Depot reserves disk space by and holds the
 * received bytes to: -1 when it declares none. Every upload endpoint takes it from here, so the
 * framing rules live in one place.
 */
final class ContentLength {

  /** Not among JAX-RS's {@code HttpHeaders} constants. */
  static final String TRANSFER_ENCODING = "Transfer-Encoding";

  private ContentLength() {}

  /**
   * RFC 9112 §6.3: a body with a {@code Transfer-Encoding} is framed by it (the container has already
   * decoded the chunks), and a {@code Content-Length} sent beside it is ignored — it describes nothing
   * the application reads, and a request with both may be a smuggling attempt (§6.1, §11.2). Neither
   * Payara nor WildFly lets such a request reach Depot with both headers (README, "HTTP framing"), so
   * this rule is for any other container; without it a bogus length would reserve space that is never
   * used, or turn a complete chunked upload into a 400.
   *
   * @param contentLength the {@code Content-Length} header, or null
   * @param transferEncoding the {@code Transfer-Encoding} header, or null
   * @return the declared length, or -1 when the body is chunked or has no usable length (the
   *     container rejects a malformed one itself)
   */
  static long declared(String contentLength, String transferEncoding) {
    if (transferEncoding != null) {
      return -1;
    }
    if (contentLength == null || contentLength.isBlank()) {
      return -1;
    }
    try {
      return Long.parseLong(contentLength.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
