package dev.cft.events.documents;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.cft.events.EventJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The one reader and writer of the documents services keep in the store for each other (cards,
 * aliases, history, evaluation reports, dataset manifests, ledgers, quarantine reports): the second
 * contract between services, beside the Kafka events. Documents are written pretty (people read
 * them in the bucket), history lines compact; fields a newer writer adds are ignored.
 */
public final class Documents {
  private static final ObjectMapper MAPPER =
      new ObjectMapper()
          .registerModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          // Absent when unknown; the few fields written as null say so (Include.ALWAYS).
          .setDefaultPropertyInclusion(JsonInclude.Include.NON_NULL);

  private Documents() {}

  /**
   * @param where names the object in messages, e.g. {@code s3://models/support/aliases/...}
   * @throws IllegalArgumentException naming the object and the problem
   */
  public static <T> T read(byte[] json, Class<T> type, String where) {
    try {
      return MAPPER.readValue(json, type);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          where + " is not a readable " + type.getSimpleName() + ": " + EventJson.describe(e), e);
    }
  }

  public static <T> T read(String json, Class<T> type, String where) {
    return read(json.getBytes(StandardCharsets.UTF_8), type, where);
  }

  /** Pretty-printed, as the store's documents are. */
  public static byte[] write(Object document) {
    try {
      return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(document);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("cannot write " + document.getClass().getSimpleName(), e);
    }
  }

  /** One line, for JSON Lines documents ({@code history.jsonl}). */
  public static String line(Object document) {
    try {
      return MAPPER.writeValueAsString(document);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("cannot write " + document.getClass().getSimpleName(), e);
    }
  }

  /** A private copy of the mapper, for tests and tree comparisons. */
  public static ObjectMapper mapper() {
    return MAPPER.copy();
  }
}
