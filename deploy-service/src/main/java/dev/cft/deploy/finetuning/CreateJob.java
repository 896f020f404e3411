package dev.cft.deploy.finetuning;

import java.util.Map;

/**
 * {@code POST /v1/fine_tuning/jobs}, read and checked for shape ({@code JobRequests}); whether the
 * files and the model exist is {@link FineTuningJobs}' to say.
 *
 * @param suffix the domain to train; null: the domain of {@code model}
 * @param seed null: one is drawn, and reported on the job
 */
public record CreateJob(
    String trainingFile,
    String validationFile,
    String model,
    String suffix,
    Long seed,
    Integer epochs,
    Integer batchSize,
    Double learningRateMultiplier,
    Map<String, String> metadata) {}
