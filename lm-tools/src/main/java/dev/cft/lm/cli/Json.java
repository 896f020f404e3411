package dev.cft.lm.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.Map;

/** One JSON object on one line, as the commands print their results. */
final class Json {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private Json() {}

  /** NaN and infinities (no validation data, say) become null: JSON has no such numbers. */
  static String line(Map<String, ?> values) {
    Map<String, Object> clean = new LinkedHashMap<>();
    values.forEach(
        (key, value) ->
            clean.put(
                key, value instanceof Double d && !Double.isFinite(d) ? null : (Object) value));
    try {
      return MAPPER.writeValueAsString(clean);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("plain values always serialize", e);
    }
  }
}
