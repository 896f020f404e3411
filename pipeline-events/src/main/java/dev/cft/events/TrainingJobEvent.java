package dev.cft.events;

import java.time.Instant;

/**
 * A change in a training job's life, or a heartbeat of a running one. Job state lives on the topic
 * itself: a job whose heartbeats stop is resumed by another worker from {@code checkpointKey}.
 *
 * @param baseModel what the job fine-tunes from, e.g. {@code models/base/gpt2} or the domain's
 *     production version
 * @param workerId null while {@link State#QUEUED}
 * @param step last completed step; null before the first
 * @param checkpointKey latest checkpoint prefix in the checkpoints bucket, {@code
 *     <jobId>/step-<k>/}; null until one is written
 * @param message human-readable detail, e.g. the failure cause
 */
public record TrainingJobEvent(
    String eventId,
    String correlationId,
    String domain,
    Instant occurredAt,
    String jobId,
    State state,
    int datasetVersion,
    String baseModel,
    String workerId,
    Long step,
    String checkpointKey,
    String message)
    implements PipelineEvent {

  public enum State {
    QUEUED,
    RUNNING,
    HEARTBEAT,
    RESUMED,
    SUCCEEDED,
    FAILED,
    /** Stopped on request ({@link TrainingCancelRequested}); no candidate is made. */
    CANCELLED;

    public boolean isTerminal() {
      return this == SUCCEEDED || this == FAILED || this == CANCELLED;
    }
  }

  public TrainingJobEvent {
    Require.envelope(TrainingJobEvent.class, eventId, correlationId, domain, occurredAt);
    Require.text(TrainingJobEvent.class, "jobId", jobId);
    Require.present(TrainingJobEvent.class, "state", state);
    Require.nonNegative(TrainingJobEvent.class, "datasetVersion", datasetVersion);
    Require.text(TrainingJobEvent.class, "baseModel", baseModel);
  }
}
