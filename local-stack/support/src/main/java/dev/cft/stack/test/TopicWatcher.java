package dev.cft.stack.test;

import dev.cft.events.EventJson;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Reads a topic of the real broker from its beginning, for assertions on what a service sent. */
public final class TopicWatcher implements AutoCloseable {
  private final KafkaConsumer<String, byte[]> consumer;
  private final List<ConsumerRecord<String, byte[]>> seen = new ArrayList<>();

  public TopicWatcher(String topic) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedLocalStack.get().kafkaBootstrap());
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID());
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
    consumer.subscribe(List.of(topic));
  }

  /** The first event of {@code type} matching {@code test}, waiting up to {@code timeout}. */
  public <T> T await(Class<T> type, Predicate<T> test, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    int checked = 0;
    while (true) {
      for (; checked < seen.size(); checked++) {
        T event = EventJson.fromBytes(seen.get(checked).value(), type);
        if (test.test(event)) {
          return event;
        }
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no matching " + type.getSimpleName() + " within " + timeout);
      }
      consumer.poll(Duration.ofMillis(200)).forEach(seen::add);
    }
  }

  /** Every event of {@code type} so far (after polling for {@code wait}) matching {@code test}. */
  public <T> List<T> all(Class<T> type, Predicate<T> test, Duration wait) {
    return drain(wait).stream()
        .map(r -> EventJson.fromBytes(r.value(), type))
        .filter(test)
        .toList();
  }

  /** Every record value so far (after polling for {@code wait}). */
  public List<ConsumerRecord<String, byte[]>> drain(Duration wait) {
    long deadline = System.nanoTime() + wait.toNanos();
    while (System.nanoTime() < deadline) {
      consumer.poll(Duration.ofMillis(200)).forEach(seen::add);
    }
    return List.copyOf(seen);
  }

  @Override
  public void close() {
    consumer.close();
  }
}
