package dev.depot.access.boundary;

import dev.depot.problem.DepotException;
import dev.depot.problem.Problem;
import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Small JSON request bodies (sign-in, link requests), read by the resource itself and only after it has
 * checked the caller: a JSON entity parameter would be read (and, if broken, answered with a 500 by the
 * provider) before any check. At most {@value #MAX_BYTES} bytes; anything else is a 400.
 */
public final class JsonBodies {

  public static final int MAX_BYTES = 16 * 1024;

  private JsonBodies() {}

  /** The body as a JSON object, or 400 INVALID_PARAMETER with {@code expected} as the detail. */
  public static JsonObject object(InputStream body, String expected) {
    byte[] bytes;
    try {
      bytes = body == null ? new byte[0] : body.readNBytes(MAX_BYTES + 1);
    } catch (IOException e) {
      throw new DepotException(Problem.UPLOAD_INCOMPLETE, "The request body ended before it was complete.", e);
    }
    if (bytes.length > MAX_BYTES) {
      throw new DepotException(Problem.INVALID_PARAMETER, "The request body is larger than " + MAX_BYTES + " bytes.");
    }
    try (JsonReader reader = Json.createReader(new ByteArrayInputStream(bytes))) {
      JsonValue value = reader.readValue();
      if (value.getValueType() != JsonValue.ValueType.OBJECT) {
        throw new DepotException(Problem.INVALID_PARAMETER, expected);
      }
      return value.asJsonObject();
    } catch (JsonException | IllegalStateException e) {
      throw new DepotException(Problem.INVALID_PARAMETER, expected);
    }
  }
}
