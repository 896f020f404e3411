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

  /**
   * The {@code manifest.json} of a dataset version made of {@code train} and {@code val} examples,
   * as ingest writes it last: without it the version is unfinished and train and eval skip it.
   */
  public static byte[] manifest(String domain, int version, int train, int val) {
    return dev.cft.events.documents.Documents.write(
        new dev.cft.events.documents.DatasetManifest(
            domain,
            version,
            java.time.Instant.now(),
            version > 1 ? version - 1 : null,
            "corr-" + domain + "-" + version,
            null,
            java.util.List.of(),
            "JSONL",
            "completion",
            new dev.cft.events.documents.DatasetManifest.Counts(train, val, train + val, 0, 0, 0),
            new dev.cft.events.documents.DatasetManifest.Tokens(0, 0, "utf8-bytes"),
            "0".repeat(64),
            new dev.cft.events.documents.DatasetManifest.Split("test", null, 0)));
  }
}
