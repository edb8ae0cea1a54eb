package dev.depot.files.control;

import dev.depot.problem.DepotException;
import dev.depot.problem.Problem;
import java.io.InputStream;

/**
 * One part of a {@code multipart/form-data} body, as {@link MultipartReader} hands it out: its field
 * name, its file name as sent (null if none), its header fields, and its content as a stream that ends
 * where the part does.
 *
 * <p>RFC 7578 §4.2: every part has {@code Content-Disposition: form-data} with a {@code name}; a part
 * without them is malformed (RFC 2388 receivers skipped such parts; Depot refuses them, so nothing a
 * client sent is silently dropped). {@code filename*} (RFC 8187) wins over {@code filename} (RFC 6266
 * §4.3). RFC 7578 §4.2 forbids senders to use {@code filename*}, but some HTTP libraries did, and it
 * is unambiguous.
 */
record FormPart(String name, String filename, PartHeaders headers, InputStream content) {

  /** Reads the field name and file name from a part's headers. */
  static FormPart of(PartHeaders headers, InputStream content) {
    String disposition = headers.single("Content-Disposition");
    if (disposition == null) {
      throw new DepotException(Problem.MALFORMED_MULTIPART, "A part has no Content-Disposition header (RFC 7578 §4.2).");
    }
    HeaderParameters parameters = HeaderParameters.parse(disposition, "Content-Disposition");
    if (!parameters.value().equalsIgnoreCase("form-data")) {
      throw new DepotException(Problem.MALFORMED_MULTIPART, "A part's Content-Disposition is not form-data (RFC 7578 §4.2).");
    }
    String name = parameters.get("name");
    if (name == null) {
      throw new DepotException(Problem.MALFORMED_MULTIPART, "A part's Content-Disposition has no name (RFC 7578 §4.2).");
    }
    return new FormPart(name, parameters.get("filename"), headers, content);
  }

  /**
   * A part is a file if it names one; no {@code filename}, or an empty one (what a browser sends for a
   * file input left empty), makes it a plain field.
   */
  boolean isFile() {
    return filename != null && !filename.isBlank();
  }

  /** The part's own {@code Content-Type}, or null. */
  String contentType() {
    return headers.single("Content-Type");
  }
}
