package dev.cft.runtime.kafka;

import io.smallrye.reactive.messaging.kafka.DeserializationFailureHandler;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * Outgoing records keyed by domain (one domain's events stay in order on one partition), and the
 * failure that sends an unreadable incoming record to its dead-letter topic.
 */
public final class KafkaMessages {
  private KafkaMessages() {}

  /**
   * The error for a record whose value could not be read: failing with it sends the record to the
   * channel's dead-letter topic, with this message (and the deserializer's reason) as {@code
   * dead-letter-reason}.
   */
  public static IllegalArgumentException unreadable(ConsumerRecord<?, ?> record) {
    Header reason =
        record.headers().lastHeader(DeserializationFailureHandler.DESERIALIZATION_FAILURE_REASON);
    return new IllegalArgumentException(
        "unreadable record at "
            + record.topic()
            + "-"
            + record.partition()
            + "@"
            + record.offset()
            + (reason == null ? "" : ": " + new String(reason.value(), StandardCharsets.UTF_8)));
  }

  public static <T> Message<T> keyed(T payload, String key) {
    return Message.of(payload)
        .addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withKey(key).build());
  }
}
