package dev.depot.files.boundary;

import dev.depot.files.control.ClientDigests;
import dev.depot.storage.control.WritePrecondition;
import jakarta.ws.rs.HeaderParam;
import java.util.List;

/**
 * The request headers that make a write conditional ({@code If-Match}, {@code If-None-Match}, {@code
 * If-Unmodified-Since}: RFC 9110 §13.1) or verified ({@code Repr-Digest}, {@code Content-Digest}: RFC 9530; {@code Content-MD5}: RFC
 * 1864). A plain JAX-RS {@code @BeanParam}, so it works on any implementation.
 */
public class WriteHeaders {

  @HeaderParam("If-Match")
  List<String> ifMatch;

  @HeaderParam("If-None-Match")
  List<String> ifNoneMatch;

  @HeaderParam("If-Unmodified-Since")
  List<String> ifUnmodifiedSince;

  @HeaderParam("Repr-Digest")
  List<String> reprDigest;

  @HeaderParam("Content-Digest")
  List<String> contentDigest;

  @HeaderParam("Content-MD5")
  String contentMd5;

  WritePrecondition precondition() {
    EntityTags match = EntityTags.parse(ifMatch);
    EntityTags noneMatch = EntityTags.parse(ifNoneMatch);
    return new WritePrecondition(
        match == null ? null : match.strongVersions(),
        noneMatch == null ? null : noneMatch.weakVersions(),
        HttpDates.parse(joined(ifUnmodifiedSince)));
  }

  ClientDigests digests() {
    return ClientDigests.fromHeaders(joined(reprDigest), joined(contentDigest), contentMd5);
  }

  /**
   * Several lines of a list field are one list (RFC 9110 §5.3). For {@code If-Unmodified-Since} this
   * also undoes a JAX-RS implementation that split one date at its comma, while two dates make a list,
   * which is not a valid date and so is ignored (§13.1.4), as is any other invalid date.
   */
  private static String joined(List<String> lines) {
    return lines == null || lines.isEmpty() ? null : String.join(", ", lines);
  }
}
