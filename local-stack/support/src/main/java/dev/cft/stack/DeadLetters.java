package dev.cft.stack;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The records the services parked on their dead-letter topics ({@code *.dlq}) and have not been
 * sent back: why each was parked, and sending them back to the topic they came from once what made
 * them fail is fixed (a {@code gate.json} corrected, a service upgraded). Every consumer of the
 * pipeline tolerates a record delivered twice, so a record sent back is safe for all of them. Each
 * record is sent back once: the offsets sent back are committed under {@link #GROUP}.
 */
public final class DeadLetters implements AutoCloseable {
  public static final String GROUP = "cft-dead-letters";
  private static final Duration STALLED = Duration.ofSeconds(30);
  public static final String SUFFIX = ".dlq";

  /** The headers SmallRye's dead-letter queue adds ({@code KafkaDeadLetterQueue}). */
  public static final String REASON = "dead-letter-reason";

  public static final String FROM_TOPIC = "dead-letter-topic";

  /** Headers about the failure, not part of the record: SmallRye's, and its deserializer's. */
  private static final List<String> FAILURE_HEADERS =
      List.of("dead-letter-", "deserialization-failure-");

  /** A parked record: where it is, where it came from, and why it was parked. */
  public record Parked(
      String topic, int partition, long offset, String key, String from, String reason) {}

  private final String bootstrap;
  private final KafkaConsumer<byte[], byte[]> consumer;

  public DeadLetters(String bootstrap) {
    this.bootstrap = bootstrap;
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ConsumerConfig.GROUP_ID_CONFIG, GROUP);
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    props.put(ConsumerConfig.CLIENT_ID_CONFIG, "dead-letters-" + UUID.randomUUID());
    this.consumer =
        new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  /** The dead-letter topics on the broker, by name. */
  public List<String> topics() throws Exception {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    try (Admin admin = Admin.create(props)) {
      TreeSet<String> names = new TreeSet<>();
      for (String name : admin.listTopics().names().get()) {
        if (name.endsWith(SUFFIX)) {
          names.add(name);
        }
      }
      return List.copyOf(names);
    }
  }

  /** The records of {@code topic} not sent back yet, oldest first per partition. */
  public List<Parked> pending(String topic) {
    List<Parked> parked = new ArrayList<>();
    read(topic, r -> parked.add(parked(r)));
    return parked;
  }

  /**
   * Sends every pending record of {@code topic} back to the topic it came from (same key, value and
   * headers, without the dead-letter ones) and commits them as sent back.
   *
   * @return what was sent back
   */
  public List<Parked> sendBack(String topic) throws Exception {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    List<Parked> sent = new ArrayList<>();
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
      Map<TopicPartition, OffsetAndMetadata> done = new HashMap<>();
      Exception[] failure = new Exception[1];
      try {
        read(
            topic,
            r -> {
              if (failure[0] != null) {
                return;
              }
              Parked p = parked(r);
              ProducerRecord<byte[], byte[]> back =
                  new ProducerRecord<>(p.from(), null, r.key(), r.value());
              for (Header h : r.headers()) {
                if (FAILURE_HEADERS.stream().noneMatch(h.key()::startsWith)) {
                  back.headers().add(h);
                }
              }
              try {
                producer.send(back).get();
              } catch (Exception e) {
                failure[0] = e;
                return;
              }
              sent.add(p);
              done.put(
                  new TopicPartition(r.topic(), r.partition()),
                  new OffsetAndMetadata(r.offset() + 1));
            });
      } finally {
        // What was sent is committed whatever stopped the rest: it is not sent twice.
        if (!done.isEmpty()) {
          consumer.commitSync(done);
        }
      }
      if (failure[0] != null) {
        throw new IllegalStateException(
            "sent back "
                + sent.size()
                + " of "
                + topic
                + ", then: "
                + failure[0].getMessage()
                + " (run again to send the rest)",
            failure[0]);
      }
    }
    return sent;
  }

  /** Every record of {@code topic} from the group's committed offsets up to the ends seen now. */
  private void read(
      String topic, java.util.function.Consumer<ConsumerRecord<byte[], byte[]>> each) {
    List<TopicPartition> partitions = new ArrayList<>();
    consumer
        .partitionsFor(topic)
        .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
    consumer.assign(partitions);
    Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
    Map<TopicPartition, OffsetAndMetadata> committed =
        consumer.committed(new java.util.HashSet<>(partitions));
    for (TopicPartition tp : partitions) {
      OffsetAndMetadata at = committed.get(tp);
      if (at == null) {
        consumer.seekToBeginning(List.of(tp));
      } else {
        consumer.seek(tp, at.offset());
      }
    }
    long lastRecord = System.nanoTime();
    while (partitions.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))) {
      if (System.nanoTime() - lastRecord > STALLED.toNanos()) {
        throw new IllegalStateException(
            "could not read " + topic + " to its end: no record for " + STALLED.toSeconds() + " s");
      }
      var records = consumer.poll(Duration.ofMillis(500));
      for (ConsumerRecord<byte[], byte[]> r : records) {
        if (r.offset() < ends.get(new TopicPartition(r.topic(), r.partition()))) {
          each.accept(r);
        }
      }
      if (!records.isEmpty()) {
        lastRecord = System.nanoTime(); // after the records' work (sends), which is progress
      }
    }
  }

  private static Parked parked(ConsumerRecord<byte[], byte[]> r) {
    String from = header(r, FROM_TOPIC);
    return new Parked(
        r.topic(),
        r.partition(),
        r.offset(),
        r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8),
        from != null ? from : r.topic().substring(0, r.topic().length() - SUFFIX.length()),
        header(r, REASON));
  }

  private static String header(ConsumerRecord<?, ?> r, String name) {
    Header h = r.headers().lastHeader(name);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    consumer.close();
  }
}
