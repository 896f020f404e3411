package dev.cft.stack;

import java.util.List;

/**
 * What the local stack creates up front. Names are the pipeline's defaults (the contract lives in
 * pipeline-events; this module stays free of its dependencies, and a test keeps the two equal).
 */
public final class StackDefaults {
  /** The line a child prints once it serves requests. */
  public static final String READY = "CFT-READY";

  public static final List<String> BUCKETS =
      List.of("ingest", "quarantine", "datasets", "checkpoints", "models", "evals");

  public static final List<String> TOPICS =
      List.of(
          "ingest.objects",
          "datasets.ready",
          "ingest.rejected",
          "training.jobs",
          "training.progress",
          "candidates.ready",
          "evaluations.completed",
          "models.promoted");

  /** Partitions per topic: keys are domains, so this many domains can progress in parallel. */
  public static final int PARTITIONS = 3;

  private StackDefaults() {}

  public static List<String> topicSpecs() {
    return TOPICS.stream().map(topic -> topic + ":" + PARTITIONS).toList();
  }
}
