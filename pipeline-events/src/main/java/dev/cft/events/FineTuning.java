package dev.cft.events;

/**
 * What a fine-tuning job asked for through the API wants of its training beyond the domain's own
 * settings. It rides on {@link FineTuningRequested} to ingest and on {@link DatasetReady} to train;
 * a null field leaves the domain's setting as it is.
 *
 * @param jobId the API job ({@code ftjob-…}), also the correlation id of everything it causes
 * @param model what to start from: a domain (its production model), a version {@code
 *     <domain>:v<N>}, or a base ({@code hf:<repo>[@rev]} or a name under {@code models/base/});
 *     null for the domain's usual start
 * @param learningRateMultiplier scales the learning rate the job would otherwise use
 */
public record FineTuning(
    String jobId,
    String model,
    Integer epochs,
    Integer batchSize,
    Double learningRateMultiplier,
    Long seed) {

  public FineTuning {
    Require.text(FineTuning.class, "jobId", jobId);
    if (model != null && model.isBlank()) {
      throw new IllegalArgumentException("FineTuning.model is blank: leave it out instead");
    }
    if (epochs != null && epochs < 1) {
      throw new IllegalArgumentException("FineTuning.epochs must be at least 1, not " + epochs);
    }
    if (batchSize != null && batchSize < 1) {
      throw new IllegalArgumentException(
          "FineTuning.batchSize must be at least 1, not " + batchSize);
    }
    if (learningRateMultiplier != null
        && !(learningRateMultiplier > 0 && Double.isFinite(learningRateMultiplier))) {
      throw new IllegalArgumentException(
          "FineTuning.learningRateMultiplier must be a positive number, not "
              + learningRateMultiplier);
    }
  }
}
