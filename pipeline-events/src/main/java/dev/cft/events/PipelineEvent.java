package dev.cft.events;

import java.time.Instant;

/**
 * What every payload on the pipeline topics carries, so any consumer can deduplicate, trace and
 * route an event without knowing its type.
 */
public interface PipelineEvent {

  /**
   * Unique per event; consumers drop an id they have already handled (Kafka delivers at least
   * once).
   */
  String eventId();

  /**
   * What started the chain, copied unchanged into every event that follows, so one upload can be
   * traced to the alias move it caused: the {@link ObjectLanded#eventId()} of a dropped file, or
   * the API job's id ({@link FineTuningRequested}).
   */
  String correlationId();

  /**
   * The model line: first path segment of the ingest key, or an API job's suffix. Also the Kafka
   * record key.
   */
  String domain();

  Instant occurredAt();
}
