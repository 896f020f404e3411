package dev.cft.events;

import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Checks shared by the event records' compact constructors. Messages name type and field ({@code
 * DatasetReady.domain is required}) because they surface in Kafka deserialization errors and DLQ
 * entries, where that is all an operator sees.
 */
final class Require {

  private Require() {}

  static void envelope(
      Class<?> owner, String eventId, String correlationId, String domain, Instant occurredAt) {
    text(owner, "eventId", eventId);
    text(owner, "correlationId", correlationId);
    text(owner, "domain", domain);
    present(owner, "occurredAt", occurredAt);
  }

  static <T> T present(Class<?> owner, String field, T value) {
    if (value == null) {
      throw missing(owner, field);
    }
    return value;
  }

  static String text(Class<?> owner, String field, String value) {
    if (present(owner, field, value).isBlank()) {
      throw missing(owner, field);
    }
    return value;
  }

  static long nonNegative(Class<?> owner, String field, long value) {
    if (value < 0) {
      throw new IllegalArgumentException(
          name(owner, field) + " must not be negative, was " + value);
    }
    return value;
  }

  /** Immutable copy; null elements are rejected. */
  static <T> List<T> list(Class<?> owner, String field, List<T> value) {
    // List.copyOf would reject a null element too, but with a bare NullPointerException.
    for (T element : present(owner, field, value)) {
      noNull(owner, field, element);
    }
    return List.copyOf(value);
  }

  /** Immutable copy sorted by key, so the JSON is stable; null passes through for optional maps. */
  static Map<String, Double> optionalMetrics(
      Class<?> owner, String field, Map<String, Double> value) {
    if (value == null) {
      return null;
    }
    value.forEach(
        (key, number) -> {
          noNull(owner, field, key);
          noNull(owner, field, number);
        });
    return Collections.unmodifiableMap(new TreeMap<>(value));
  }

  static Map<String, Double> metrics(Class<?> owner, String field, Map<String, Double> value) {
    return optionalMetrics(owner, field, present(owner, field, value));
  }

  private static void noNull(Class<?> owner, String field, Object element) {
    if (element == null) {
      throw new IllegalArgumentException(name(owner, field) + " must not contain null");
    }
  }

  private static IllegalArgumentException missing(Class<?> owner, String field) {
    return new IllegalArgumentException(name(owner, field) + " is required");
  }

  private static String name(Class<?> owner, String field) {
    return owner.getSimpleName() + "." + field;
  }
}
