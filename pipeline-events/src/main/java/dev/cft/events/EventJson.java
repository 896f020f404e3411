package dev.cft.events;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The one JSON configuration of the event contract. Every producer and consumer goes through it
 * (directly or via the Kafka serdes), so the wire format cannot drift between services.
 */
public final class EventJson {

  private static final ObjectMapper MAPPER = configure(new ObjectMapper());

  private EventJson() {}

  /**
   * Applies the contract's settings to {@code mapper}, for services that own their mapper (e.g. a
   * Quarkus {@code ObjectMapperCustomizer}).
   */
  public static ObjectMapper configure(ObjectMapper mapper) {
    return mapper
        .registerModule(new JavaTimeModule())
        // Readable in kafka-console-consumer and DLQs, and unambiguous across languages.
        .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
        // Forward compatibility: a newer producer may add fields older consumers do not know.
        .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        // A missing int or long must not silently become 0 (a dataset version 0, a step 0).
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .setDefaultPropertyInclusion(JsonInclude.Include.NON_NULL);
  }

  /** A private copy, so callers cannot reconfigure the shared one. */
  public static ObjectMapper mapper() {
    return MAPPER.copy();
  }

  public static byte[] toBytes(Object event) {
    try {
      return MAPPER.writeValueAsBytes(event);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "Cannot write " + event.getClass().getSimpleName() + ": " + describe(e), e);
    }
  }

  public static String toJson(Object event) {
    return new String(toBytes(event), StandardCharsets.UTF_8);
  }

  /**
   * @throws IllegalArgumentException naming the type and the problem (e.g. the missing field)
   */
  public static <T> T fromBytes(byte[] json, Class<T> type) {
    try {
      return MAPPER.readValue(json, type);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "Cannot read " + type.getSimpleName() + ": " + describe(e), e);
    }
  }

  /**
   * @throws IllegalArgumentException naming the type and the problem (e.g. the missing field)
   */
  public static <T> T fromJson(String json, Class<T> type) {
    return fromBytes(json.getBytes(StandardCharsets.UTF_8), type);
  }

  static JsonNode readTree(byte[] json) throws IOException {
    return MAPPER.readTree(json);
  }

  /**
   * Jackson's problem without the echo of the input (possibly large, possibly sensitive) but with
   * the field it concerns: for a missing number that is only in the path, not the message.
   */
  public static String describe(IOException e) {
    if (!(e instanceof JsonProcessingException processing)) {
      return e.getMessage();
    }
    // A compact constructor's own message already names type and field.
    if (processing.getCause() instanceof IllegalArgumentException invalid) {
      return invalid.getMessage();
    }
    String problem = processing.getOriginalMessage();
    if (processing instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
      return problem + " at " + fieldPath(mapping.getPath());
    }
    return problem;
  }

  /** {@code IngestRejected.errors[0].message} rather than Jackson's class-qualified chain. */
  private static String fieldPath(List<JsonMappingException.Reference> path) {
    Object root = path.get(0).getFrom();
    Class<?> rootType = root instanceof Class<?> type ? type : root.getClass();
    StringBuilder field = new StringBuilder(rootType.getSimpleName());
    for (JsonMappingException.Reference step : path) {
      if (step.getFieldName() != null) {
        field.append('.').append(step.getFieldName());
      } else {
        field.append('[').append(step.getIndex()).append(']');
      }
    }
    return field.toString();
  }
}
