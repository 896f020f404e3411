package dev.cft.stack.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cft.stack.DeadLetters;
import dev.cft.stack.LocalStack;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./pipeline dead-letters} on the real broker: parked records listed with their reasons,
 * sent back to the topic they came from as they were (the dead-letter headers dropped, the others
 * kept), each once; an unknown topic is refused by name. On a stack of its own, stopped after: the
 * other tests of this module run whole pipelines of their own on this machine.
 */
class DeadLettersCommandIT {
  @TempDir static Path state;
  static LocalStack stack;

  @BeforeAll
  static void start() throws Exception {
    stack = LocalStack.start(LocalStack.Settings.onFreePorts(state));
  }

  @AfterAll
  static void stop() {
    stack.close();
  }

  private final String bootstrap = stack.kafkaBootstrap();
  private final String source = "it-" + UUID.randomUUID().toString().substring(0, 8);
  private final String dlq = source + DeadLetters.SUFFIX;

  @Test
  void parkedRecordsAreListedThenSentBackOnce() throws Exception {
    try (Admin admin = Admin.create(props())) {
      admin
          .createTopics(
              List.of(new NewTopic(source, 1, (short) 1), new NewTopic(dlq, 1, (short) 1)))
          .all()
          .get();
    }
    park("support", "{\"a\":1}", "gate.json: unknown field \"maxValLos\"");
    park("legal", "{\"b\":2}", "unreadable record at " + source + "-0@7");

    String listed = run("dead-letters", "--bootstrap", bootstrap);
    assertTrue(listed.contains(dlq + ": 2 waiting"), listed);
    assertTrue(
        listed.contains("from " + source + ", key support: gate.json: unknown field \"maxValLos\""),
        listed);

    String sent = run("dead-letters", "--bootstrap", bootstrap, "--send-back", dlq);
    assertTrue(sent.contains(dlq + ": 2 sent back"), sent);
    List<ConsumerRecord<String, String>> back = read(source, 2);
    assertEquals(List.of("support", "legal"), back.stream().map(ConsumerRecord::key).toList());
    assertEquals("{\"a\":1}", back.get(0).value());
    assertNull(back.get(0).headers().lastHeader(DeadLetters.REASON), "dead-letter headers dropped");
    assertEquals(
        "trace-1",
        new String(back.get(0).headers().lastHeader("trace").value(), StandardCharsets.UTF_8));

    assertTrue(run("dead-letters", "--bootstrap", bootstrap).contains(dlq + ": 0 waiting"));
    assertTrue(
        run("dead-letters", "--bootstrap", bootstrap, "--send-back", dlq)
            .contains(dlq + ": 0 sent back"),
        "each record is sent back once");

    StringWriter err = new StringWriter();
    int code =
        Pipeline.execute(
            new PrintWriter(new StringWriter()),
            new PrintWriter(err, true),
            "dead-letters",
            "--bootstrap",
            bootstrap,
            "--send-back",
            "no-such.dlq");
    assertEquals(2, code);
    assertTrue(err.toString().contains("no dead-letter topic no-such.dlq"), err.toString());
  }

  /** A record as SmallRye's dead-letter queue writes it, with one header of the original. */
  private void park(String key, String value, String reason) throws Exception {
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(props(), new StringSerializer(), new StringSerializer())) {
      ProducerRecord<String, String> parked = new ProducerRecord<>(dlq, key, value);
      parked.headers().add(DeadLetters.REASON, reason.getBytes(StandardCharsets.UTF_8));
      parked.headers().add(DeadLetters.FROM_TOPIC, source.getBytes(StandardCharsets.UTF_8));
      parked.headers().add("trace", "trace-1".getBytes(StandardCharsets.UTF_8));
      producer.send(parked).get();
    }
  }

  private List<ConsumerRecord<String, String>> read(String topic, int count) {
    List<ConsumerRecord<String, String>> records = new ArrayList<>();
    Properties props = props();
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
      consumer.assign(List.of(new TopicPartition(topic, 0)));
      consumer.seekToBeginning(List.of(new TopicPartition(topic, 0)));
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (records.size() < count && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(500)).forEach(records::add);
      }
    }
    return records;
  }

  private String run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Pipeline.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
    assertEquals(0, code, err.toString());
    return out.toString();
  }

  private Properties props() {
    Properties props = new Properties();
    props.put("bootstrap.servers", bootstrap);
    return props;
  }
}
