package dev.depot.files.boundary;

import jakarta.ws.rs.core.UriInfo;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * Builds the URL of a stored file. Each key segment is percent-encoded by hand (RFC 3986 pchar): {@code
 * UriBuilder.path} would read {@code {…}} in a file name as a template and keep {@code %xx} as if
 * already encoded. {@code ;}, {@code ,} and {@code =} are encoded too although RFC 3986 allows them in a
 * segment: JAX-RS reads {@code ;} as the start of matrix parameters, so {@code a;b.txt} sent as is
 * would name {@code a} (a signed link to it would never match its own path).
 */
public final class FileLinks {

  private FileLinks() {}

  public static URI of(UriInfo uriInfo, String key) {
    StringBuilder path = new StringBuilder("files");
    for (String segment : key.split("/")) {
      path.append('/').append(encodeSegment(segment));
    }
    return uriInfo.getBaseUri().resolve(path.toString());
  }

  static String encodeSegment(String segment) {
    StringBuilder out = new StringBuilder();
    for (byte b : segment.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "-._~!$&'()*+:@".indexOf(c) >= 0) {
        out.append((char) c);
      } else {
        out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16))).append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      }
    }
    return out.toString();
  }
}
