package dev.cft.stack.cli;

import dev.cft.events.CandidateReady;
import dev.cft.events.DatasetReady;
import dev.cft.events.EvaluationCompleted;
import dev.cft.events.EventJson;
import dev.cft.events.FineTuningRequested;
import dev.cft.events.IngestRejected;
import dev.cft.events.ModelPromoted;
import dev.cft.events.PipelineEvent;
import dev.cft.events.Topics;
import dev.cft.events.TrainingCancelRequested;
import dev.cft.events.TrainingJobEvent;
import dev.cft.events.TrainingProgress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The pipeline's events off Kafka as the contract's records ({@link EventJson}): from the topics'
 * ends on ({@link #follow}), or all of one topic so far ({@link #history}). A record that is not
 * its topic's event is skipped.
 */
final class EventFeed implements AutoCloseable {
  /** Every topic of a chain after the S3 notification, and the event it carries. */
  static final Map<String, Class<? extends PipelineEvent>> TYPES = types();

  private final KafkaConsumer<String, String> consumer;

  private EventFeed(KafkaConsumer<String, String> consumer) {
    this.consumer = consumer;
  }

  /** Every topic of {@link #TYPES}, positioned at their ends now. */
  static EventFeed follow(String bootstrap) {
    KafkaConsumer<String, String> consumer = consumer(bootstrap);
    List<TopicPartition> partitions = new ArrayList<>();
    for (String topic : TYPES.keySet()) {
      consumer
          .partitionsFor(topic)
          .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
    }
    consumer.assign(partitions);
    consumer.seekToEnd(partitions);
    partitions.forEach(consumer::position); // fix "now" before anything is dropped
    return new EventFeed(consumer);
  }

  /** The events that arrive within {@code wait}, in order per partition. */
  List<PipelineEvent> poll(Duration wait) {
    List<PipelineEvent> events = new ArrayList<>();
    for (ConsumerRecord<String, String> record : consumer.poll(wait)) {
      PipelineEvent event = read(record.topic(), record.value());
      if (event != null) {
        events.add(event);
      }
    }
    return events;
  }

  /** Every event of {@code topic} so far, in the order the broker took them. */
  static <T extends PipelineEvent> List<T> history(String bootstrap, String topic, Class<T> type) {
    List<ConsumerRecord<String, String>> records = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer = consumer(bootstrap)) {
      List<TopicPartition> partitions = new ArrayList<>();
      consumer
          .partitionsFor(topic, Duration.ofSeconds(10))
          .forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
      while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
        consumer.poll(Duration.ofMillis(500)).forEach(records::add);
      }
    }
    records.sort(Comparator.comparingLong(ConsumerRecord::timestamp));
    List<T> events = new ArrayList<>();
    for (ConsumerRecord<String, String> record : records) {
      PipelineEvent event = read(record.topic(), record.value());
      if (type.isInstance(event)) {
        events.add(type.cast(event));
      }
    }
    return events;
  }

  /** The event a record of {@code topic} carries; null for another topic or an unreadable one. */
  static PipelineEvent read(String topic, String json) {
    Class<? extends PipelineEvent> type = TYPES.get(topic);
    if (type == null || json == null) {
      return null;
    }
    try {
      return EventJson.fromJson(json, type);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  @Override
  public void close() {
    consumer.close();
  }

  private static KafkaConsumer<String, String> consumer(String bootstrap) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    return new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer());
  }

  private static Map<String, Class<? extends PipelineEvent>> types() {
    Map<String, Class<? extends PipelineEvent>> types = new LinkedHashMap<>();
    types.put(Topics.DATASETS_READY, DatasetReady.class);
    types.put(Topics.INGEST_REJECTED, IngestRejected.class);
    types.put(Topics.TRAINING_JOBS, TrainingJobEvent.class);
    types.put(Topics.TRAINING_PROGRESS, TrainingProgress.class);
    types.put(Topics.CANDIDATES_READY, CandidateReady.class);
    types.put(Topics.EVALUATIONS_COMPLETED, EvaluationCompleted.class);
    types.put(Topics.MODELS_PROMOTED, ModelPromoted.class);
    types.put(Topics.FINE_TUNING_REQUESTS, FineTuningRequested.class);
    types.put(Topics.TRAINING_CANCELLATIONS, TrainingCancelRequested.class);
    return java.util.Collections.unmodifiableMap(types);
  }
}
