package dev.cft.events.serde;

import dev.cft.events.ObjectLanded;
import dev.cft.events.S3EventNotifications;
import java.util.List;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads the S3 notifications the store publishes on {@code ingest.objects}; see {@link
 * S3EventNotifications#parse(byte[])}. Removals read as an empty list.
 */
public final class S3NotificationDeserializer implements Deserializer<List<ObjectLanded>> {

  @Override
  public List<ObjectLanded> deserialize(String topic, byte[] data) {
    if (data == null) {
      return null;
    }
    try {
      return S3EventNotifications.parse(data);
    } catch (IllegalArgumentException e) {
      throw new SerializationException("Topic " + topic + ": " + e.getMessage(), e);
    }
  }
}
