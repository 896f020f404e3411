package dev.cft.runtime.kafka;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * {@code cft_kafka_consumer_lag{group,topic}}: records of a topic not yet committed by the consumer
 * group of each of this service's Kafka inputs, summed over partitions. A partition without a
 * committed offset counts from its first record, as the consumers start there ({@code
 * auto.offset.reset=earliest}) and as the KEDA scaler of train workers counts it.
 */
@ApplicationScoped
public class ConsumerLagMetrics {
  public static final String METRIC = "cft.kafka.consumer.lag";
  private static final Logger LOG = Logger.getLogger(ConsumerLagMetrics.class);
  private static final String INCOMING = "mp.messaging.incoming.";

  /** A consumer group reading a topic. */
  public record Input(String group, String topic) {}

  private final Map<String, Object> kafkaConfig;
  private final MeterRegistry registry;
  private final Duration interval;
  private final Duration timeout;
  private final List<Input> inputs;
  private final Map<Input, AtomicLong> lags = new ConcurrentHashMap<>();
  private Admin admin;
  private ScheduledExecutorService timer;

  public ConsumerLagMetrics(
      @Identifier("default-kafka-broker") Map<String, Object> kafkaConfig,
      MeterRegistry registry,
      Config config,
      @ConfigProperty(name = "cft.kafka.lag-interval", defaultValue = "15s") Duration interval,
      @ConfigProperty(name = "cft.kafka.health-timeout", defaultValue = "3s") Duration timeout) {
    this.kafkaConfig = kafkaConfig;
    this.registry = registry;
    this.interval = interval;
    this.timeout = timeout;
    this.inputs = inputs(config);
  }

  /** The (group, topic) of every incoming Kafka channel in the configuration. */
  static List<Input> inputs(Config config) {
    List<Input> found = new ArrayList<>();
    for (String name : config.getPropertyNames()) {
      if (!name.startsWith(INCOMING) || !name.endsWith(".connector")) {
        continue;
      }
      String channel = name.substring(INCOMING.length(), name.length() - ".connector".length());
      if (!"smallrye-kafka".equals(config.getOptionalValue(name, String.class).orElse(""))) {
        continue;
      }
      String prefix = INCOMING + channel + ".";
      String topic = config.getOptionalValue(prefix + "topic", String.class).orElse(channel);
      config
          .getOptionalValue(prefix + "group.id", String.class)
          .ifPresent(group -> found.add(new Input(group, topic)));
    }
    return found;
  }

  public List<Input> inputs() {
    return inputs;
  }

  void start(@Observes StartupEvent event) {
    if (inputs.isEmpty() || interval.isZero() || interval.isNegative()) {
      return;
    }
    admin = KafkaAdmins.create(kafkaConfig, timeout, "consumer-lag");
    for (Input input : inputs) {
      AtomicLong lag = new AtomicLong(-1);
      lags.put(input, lag);
      Gauge.builder(METRIC, lag, l -> l.get() < 0 ? Double.NaN : l.get())
          .description("Records not yet committed by the consumer group, over all partitions")
          .tag("group", input.group())
          .tag("topic", input.topic())
          .register(registry);
    }
    timer = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "consumer-lag"));
    timer.scheduleWithFixedDelay(this::measure, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  void stop(@Observes ShutdownEvent event) {
    if (timer != null) {
      timer.shutdownNow();
    }
    if (admin != null) {
      admin.close(Duration.ofSeconds(2));
    }
  }

  /** One measurement of every input's lag; an unreachable broker leaves the last values. */
  public void measure() {
    for (Input input : inputs) {
      try {
        lags.get(input).set(lag(input));
      } catch (Exception e) {
        if (e instanceof InterruptedException) {
          Thread.currentThread().interrupt();
          return;
        }
        LOG.debugf("lag of %s on %s not measured: %s", input.group(), input.topic(), e);
      }
    }
  }

  private long lag(Input input) throws Exception {
    long wait = timeout.toMillis() + 500;
    List<TopicPartition> partitions = new ArrayList<>();
    admin
        .describeTopics(List.of(input.topic()))
        .allTopicNames()
        .get(wait, TimeUnit.MILLISECONDS)
        .get(input.topic())
        .partitions()
        .forEach(p -> partitions.add(new TopicPartition(input.topic(), p.partition())));
    Map<TopicPartition, OffsetAndMetadata> committed =
        admin
            .listConsumerGroupOffsets(input.group())
            .partitionsToOffsetAndMetadata()
            .get(wait, TimeUnit.MILLISECONDS);
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
    for (TopicPartition partition : partitions) {
      latest.put(partition, OffsetSpec.latest());
      if (committed.get(partition) == null) {
        earliest.put(partition, OffsetSpec.earliest());
      }
    }
    var ends = admin.listOffsets(latest).all().get(wait, TimeUnit.MILLISECONDS);
    var starts =
        earliest.isEmpty()
            ? Map
                .<TopicPartition,
                    org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo>
                    of()
            : admin.listOffsets(earliest).all().get(wait, TimeUnit.MILLISECONDS);
    long lag = 0;
    for (TopicPartition partition : partitions) {
      OffsetAndMetadata offset = committed.get(partition);
      long from = offset != null ? offset.offset() : starts.get(partition).offset();
      lag += Math.max(0, ends.get(partition).offset() - from);
    }
    return lag;
  }
}
