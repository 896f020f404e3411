package dev.cft.events;

import java.time.Instant;

/**
 * Training metrics at a step, for dashboards and logs; nothing in the flow waits on it.
 *
 * @param trainLoss may be NaN or infinite when a run diverges, which is exactly when it matters
 * @param valLoss null on steps without a validation pass
 */
public record TrainingProgress(
    String eventId,
    String correlationId,
    String domain,
    Instant occurredAt,
    String jobId,
    long step,
    long totalSteps,
    int epoch,
    double trainLoss,
    Double valLoss,
    double tokensPerSecond,
    double learningRate)
    implements PipelineEvent {

  public TrainingProgress {
    Require.envelope(TrainingProgress.class, eventId, correlationId, domain, occurredAt);
    Require.text(TrainingProgress.class, "jobId", jobId);
    Require.nonNegative(TrainingProgress.class, "step", step);
    Require.nonNegative(TrainingProgress.class, "totalSteps", totalSteps);
    Require.nonNegative(TrainingProgress.class, "epoch", epoch);
  }
}
