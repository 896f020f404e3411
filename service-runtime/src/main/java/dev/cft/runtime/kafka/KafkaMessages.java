package dev.cft.runtime.kafka;

import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import org.eclipse.microprofile.reactive.messaging.Message;

/** Outgoing records keyed by domain: one domain's events stay in order on one partition. */
public final class KafkaMessages {
  private KafkaMessages() {}

  public static <T> Message<T> keyed(T payload, String key) {
    return Message.of(payload)
        .addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withKey(key).build());
  }
}
