package dev.cft.events;

import java.util.List;

/**
 * Kafka topic names. Records are keyed by domain, so one domain's events stay in order while
 * partitions spread domains over workers.
 */
public final class Topics {

  /** S3 event notifications as the store publishes them (MinIO {@code notify_kafka}). */
  public static final String INGEST_OBJECTS = "ingest.objects";

  public static final String DATASETS_READY = "datasets.ready";
  public static final String INGEST_REJECTED = "ingest.rejected";
  public static final String TRAINING_JOBS = "training.jobs";
  public static final String TRAINING_PROGRESS = "training.progress";
  public static final String CANDIDATES_READY = "candidates.ready";
  public static final String EVALUATIONS_COMPLETED = "evaluations.completed";
  public static final String MODELS_PROMOTED = "models.promoted";

  /** Fine-tuning jobs created through the API, for ingest to validate and version their files. */
  public static final String FINE_TUNING_REQUESTS = "fine_tuning.requests";

  /** Requests to stop a training job; every train worker listens. */
  public static final String TRAINING_CANCELLATIONS = "training.cancellations";

  /** The main topics, without DLQs; the local stack creates them up front. */
  public static final List<String> ALL =
      List.of(
          INGEST_OBJECTS,
          DATASETS_READY,
          INGEST_REJECTED,
          TRAINING_JOBS,
          TRAINING_PROGRESS,
          CANDIDATES_READY,
          EVALUATIONS_COMPLETED,
          MODELS_PROMOTED,
          FINE_TUNING_REQUESTS,
          TRAINING_CANCELLATIONS);

  private static final String DLQ_SUFFIX = ".dlq";

  private Topics() {}

  /** Where a consumer of {@code topic} parks records it cannot process. */
  public static String dlq(String topic) {
    if (topic == null || topic.isBlank()) {
      throw new IllegalArgumentException("topic is required");
    }
    return topic + DLQ_SUFFIX;
  }
}
