package dev.cft.stack.test;

import dev.cft.events.EventJson;
import java.util.Properties;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** What service tests send and store: events on the real broker, small labelled data. */
public final class TestEvents {
  private TestEvents() {}

  /**
   * Publishes {@code event} as the contract's JSON on {@code topic}, keyed, and waits for the ack.
   */
  public static org.apache.kafka.clients.producer.RecordMetadata publish(
      String topic, String key, Object event) throws Exception {
    return publishBytes(topic, key, EventJson.toBytes(event));
  }

  /**
   * Publishes {@code text} as it is (an S3 notification as the store sends it, or a record nobody
   * can read), keyed, and waits for the ack.
   */
  public static org.apache.kafka.clients.producer.RecordMetadata publishText(
      String topic, String key, String text) throws Exception {
    return publishBytes(topic, key, text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  private static org.apache.kafka.clients.producer.RecordMetadata publishBytes(
      String topic, String key, byte[] value) throws Exception {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedLocalStack.get().kafkaBootstrap());
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
      return producer.send(new ProducerRecord<>(topic, key, value)).get();
    }
  }

  /** JSONL prompt/completion lines {@code ticket <i>: } → billing (even) or login (odd). */
  public static String ticketLines(int from, int to) {
    return IntStream.range(from, to)
            .mapToObj(
                i ->
                    "{\"prompt\":\"ticket "
                        + i
                        + ": \",\"completion\":\""
                        + (i % 2 == 0 ? "billing" : "login")
                        + "\"}")
            .collect(Collectors.joining("\n"))
        + "\n";
  }
}
