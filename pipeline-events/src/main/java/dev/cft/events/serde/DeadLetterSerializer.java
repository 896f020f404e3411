package dev.cft.events.serde;

/**
 * The value of a record a consumer parks on its dead-letter topic: the bytes as they came when they
 * could not be read, the event as the contract's JSON when it was read but its processing failed.
 * So a parked record can be sent back to its topic as it was ({@code ./pipeline dead-letters}).
 */
public class DeadLetterSerializer extends EventSerializer {
  @Override
  public byte[] serialize(String topic, Object value) {
    return value instanceof byte[] bytes ? bytes : super.serialize(topic, value);
  }
}
