package dev.cft.events.serde;

import dev.cft.events.EventJson;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Writes any event record as the contract's JSON. One class for all types, so SmallRye config can
 * name it for every outgoing channel: {@code
 * value.serializer=dev.cft.events.serde.EventSerializer}.
 */
public class EventSerializer implements Serializer<Object> {

  /** A null value stays null: that is a Kafka tombstone, not an event. */
  @Override
  public byte[] serialize(String topic, Object event) {
    if (event == null) {
      return null;
    }
    try {
      return EventJson.toBytes(event);
    } catch (IllegalArgumentException e) {
      throw new SerializationException("Topic " + topic + ": " + e.getMessage(), e);
    }
  }
}
