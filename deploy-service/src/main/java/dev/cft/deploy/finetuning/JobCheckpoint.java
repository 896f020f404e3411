package dev.cft.deploy.finetuning;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.Map;

/**
 * An entry of {@code GET /v1/fine_tuning/jobs/{id}/checkpoints}, in OpenAI's shape: a checkpoint
 * the training job wrote (resume state in the checkpoints bucket, {@code checkpoint_key}), with the
 * last metrics reported before it. It names the step; it is not a model that is served.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record JobCheckpoint(
    String id,
    String object,
    long createdAt,
    String fineTunedModelCheckpoint,
    String fineTuningJobId,
    Map<String, Double> metrics,
    long stepNumber,
    String checkpointKey) {
  public static final String OBJECT = "fine_tuning.job.checkpoint";
}
