package dev.cft.deploy.finetuning;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;
import java.util.Map;

/**
 * A fine-tuning job in OpenAI's shape ({@code GET /v1/fine_tuning/jobs/{id}}): what was asked
 * ({@link JobRequest}) with what the pipeline has made of it so far ({@link JobState}). Beyond
 * OpenAI's fields: the {@code domain} it trains, its {@code dataset_version}, the pipeline's {@code
 * training_job_id}, the file's {@code errors} when it failed on them, and the gate's {@code
 * verdict} once judged.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.ALWAYS)
public record FineTuningJob(
    String id,
    String object,
    long createdAt,
    Long finishedAt,
    String model,
    String fineTunedModel,
    String organizationId,
    String status,
    JobState.Error error,
    Hyperparameters hyperparameters,
    Method method,
    String trainingFile,
    String validationFile,
    List<String> resultFiles,
    long seed,
    Long trainedTokens,
    Long estimatedFinish,
    List<Object> integrations,
    Map<String, String> metadata,
    String domain,
    Integer datasetVersion,
    String trainingJobId,
    List<FileObject.LineError> errors,
    JobState.Verdict verdict) {
  public static final String OBJECT = "fine_tuning.job";
  public static final String ORGANIZATION = "org-self-hosted";

  /** Each value is a number, or {@code "auto"} for the pipeline's own choice. */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  public record Hyperparameters(Object batchSize, Object learningRateMultiplier, Object nEpochs) {}

  /** OpenAI's {@code method}: always supervised here. */
  public record Method(String type, Supervised supervised) {
    public record Supervised(Hyperparameters hyperparameters) {}
  }

  public static FineTuningJob of(JobRequest request, JobState state) {
    Hyperparameters hyperparameters =
        new Hyperparameters(
            auto(request.batchSize()),
            auto(request.learningRateMultiplier()),
            auto(request.epochs()));
    return new FineTuningJob(
        request.id(),
        OBJECT,
        request.createdAt(),
        state.finishedAt(),
        request.model(),
        state.fineTunedModel(),
        ORGANIZATION,
        state.status(),
        state.error(),
        hyperparameters,
        new Method("supervised", new Method.Supervised(hyperparameters)),
        request.trainingFile(),
        request.validationFile(),
        state.resultFiles(),
        request.seed(),
        state.trainedTokens(),
        null,
        List.of(),
        request.metadata(),
        request.domain(),
        state.datasetVersion(),
        state.trainingJobId(),
        state.errors(),
        state.verdict());
  }

  private static Object auto(Object value) {
    return value == null ? "auto" : value;
  }
}
