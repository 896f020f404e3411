package dev.cft.stack;

import dev.cft.events.Buckets;
import dev.cft.events.Topics;
import java.util.List;

/** What the local stack creates up front: the pipeline's buckets and topics. */
public final class StackDefaults {
  /** The line a child prints once it serves requests. */
  public static final String READY = "CFT-READY";

  public static final List<String> BUCKETS = Buckets.ALL;

  public static final List<String> TOPICS = Topics.ALL;

  /** Partitions per topic: keys are domains, so this many domains can progress in parallel. */
  public static final int PARTITIONS = 3;

  private StackDefaults() {}

  public static List<String> topicSpecs() {
    return TOPICS.stream().map(topic -> topic + ":" + PARTITIONS).toList();
  }
}
