package dev.cft.events;

import java.time.Instant;

/**
 * Stop a training job and end it as {@link TrainingJobEvent.State#CANCELLED}. Every train worker
 * hears it; the one running or holding the job stops it after its current step and takes its next
 * job. Sent again by the API for as long as a cancelled job still shows signs of life, so a worker
 * that was not listening at first hears a later one.
 *
 * @param jobId the training job ({@link TrainingJobEvent#jobId()})
 */
public record TrainingCancelRequested(
    String eventId,
    String correlationId,
    String domain,
    Instant occurredAt,
    String jobId,
    String reason)
    implements PipelineEvent {

  public TrainingCancelRequested {
    Require.envelope(TrainingCancelRequested.class, eventId, correlationId, domain, occurredAt);
    Require.text(TrainingCancelRequested.class, "jobId", jobId);
    Require.text(TrainingCancelRequested.class, "reason", reason);
  }
}
