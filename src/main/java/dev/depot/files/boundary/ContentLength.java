package dev.depot.files.boundary;

/** Reads a {@code Content-Length} header: -1 when absent (chunked), the container rejects garbage. */
final class ContentLength {

  private ContentLength() {}

  static long parse(String header) {
    if (header == null || header.isBlank()) {
      return -1;
    }
    try {
      return Long.parseLong(header.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
