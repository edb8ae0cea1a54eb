package dev.depot.uploads.control;

import dev.depot.problem.DepotException;
import dev.depot.problem.Problem;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The tus {@code Upload-Metadata} header: comma-separated pairs of a key (ASCII, no spaces or commas)
 * and an optional Base64 value, decoded here as UTF-8. Keys Depot reads: {@code filename} (base name,
 * as a multipart part's), {@code dir}, {@code path} (a full key instead of the two), {@code filetype}
 * or {@code contentType} (the content type to record) and {@code ifNoneMatch} ({@code *}: create-only).
 * Other keys are kept and returned by {@code HEAD} as sent.
 */
public record UploadMetadata(String header, Map<String, String> values) {

  /** The longest header kept (the row's column); a longer one is refused rather than cut. */
  public static final int MAX_HEADER = 4096;

  public static final UploadMetadata NONE = new UploadMetadata(null, Map.of());

  /** @throws DepotException INVALID_PARAMETER for a malformed header, with what is wrong */
  public static UploadMetadata parse(String header) {
    if (header == null || header.isBlank()) {
      return NONE;
    }
    if (header.length() > MAX_HEADER) {
      throw invalid("Upload-Metadata is longer than " + MAX_HEADER + " characters.");
    }
    Map<String, String> values = new LinkedHashMap<>();
    for (String pair : header.split(",", -1)) {
      String[] parts = pair.strip().split(" ", -1);
      if (parts.length > 2 || parts[0].isEmpty() || !parts[0].chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
        throw invalid("Upload-Metadata must be comma-separated pairs of a key and an optional Base64 value.");
      }
      if (values.containsKey(parts[0])) {
        throw invalid("Upload-Metadata names the key '" + parts[0] + "' twice.");
      }
      values.put(parts[0], parts.length == 2 ? decode(parts[0], parts[1]) : "");
    }
    return new UploadMetadata(header.strip(), values);
  }

  public Optional<String> get(String key) {
    return Optional.ofNullable(values.get(key));
  }

  private static String decode(String key, String base64) {
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(base64);
    } catch (IllegalArgumentException e) {
      throw invalid("The Upload-Metadata value of '" + key + "' is not Base64.");
    }
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      throw invalid("The Upload-Metadata value of '" + key + "' is not UTF-8.");
    }
  }

  private static DepotException invalid(String detail) {
    return new DepotException(Problem.INVALID_PARAMETER, detail);
  }
}
