package dev.cft.events.serde;

import dev.cft.events.EventJson;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads one event type from the contract's JSON. Kafka and SmallRye instantiate deserializers by
 * class name with no arguments, hence one tiny subclass per type that fixes {@code T}.
 *
 * <p>A bad record fails loudly with a message naming the type and the problem, so the consumer's
 * failure strategy (DLQ, fail) sees it; it never becomes a silent null.
 */
public abstract class EventDeserializer<T> implements Deserializer<T> {

  private final Class<T> type;

  protected EventDeserializer(Class<T> type) {
    this.type = type;
  }

  /** A null value is a Kafka tombstone, which by Kafka's convention reads as null. */
  @Override
  public T deserialize(String topic, byte[] data) {
    if (data == null) {
      return null;
    }
    try {
      return EventJson.fromBytes(data, type);
    } catch (IllegalArgumentException e) {
      throw new SerializationException("Topic " + topic + ": " + e.getMessage(), e);
    }
  }
}
