package dev.cft.deploy.finetuning;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;
import java.util.Map;

/**
 * What the pipeline has made of a job so far, from the events that carry the job's id as their
 * correlation id. Written by one consumer only ({@code PipelineFollower}); the API writes the
 * request and a cancellation, never this.
 *
 * @param status OpenAI's: {@code validating_files}, {@code queued}, {@code running}, {@code
 *     succeeded}, {@code failed}, {@code cancelled}
 * @param latestMetrics the last training metrics reported, for the next checkpoint's entry
 * @param checkpointStep the step of the last checkpoint listed
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record JobState(
    String status,
    Long finishedAt,
    String fineTunedModel,
    Error error,
    List<FileObject.LineError> errors,
    List<String> resultFiles,
    Integer datasetVersion,
    String trainingJobId,
    Long trainedTokens,
    Verdict verdict,
    Map<String, Double> latestMetrics,
    Long checkpointStep) {
  public static final String VALIDATING_FILES = "validating_files";
  public static final String QUEUED = "queued";
  public static final String RUNNING = "running";
  public static final String SUCCEEDED = "succeeded";
  public static final String FAILED = "failed";
  public static final String CANCELLED = "cancelled";

  private static final List<String> ORDER =
      List.of(VALIDATING_FILES, QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED);

  public JobState {
    errors = errors == null ? List.of() : List.copyOf(errors);
    resultFiles = resultFiles == null ? List.of() : List.copyOf(resultFiles);
    latestMetrics = latestMetrics == null ? Map.of() : Map.copyOf(latestMetrics);
  }

  public static JobState created() {
    return new JobState(
        VALIDATING_FILES, null, null, null, null, null, null, null, null, null, null, null);
  }

  /** OpenAI's {@code error}: a code, a message, and the parameter it concerns (may be null). */
  public record Error(String code, String message, String param) {}

  /** The gate's verdict on the fine-tuned model, and whether it became production. */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  public record Verdict(
      boolean passed, List<String> reasons, String comparedWith, Boolean promoted) {}

  public boolean terminal() {
    return terminal(status);
  }

  public static boolean terminal(String status) {
    return SUCCEEDED.equals(status) || FAILED.equals(status) || CANCELLED.equals(status);
  }

  /** Moves forward only: events of different topics may arrive out of order. */
  public JobState advancedTo(String next) {
    if (terminal() || ORDER.indexOf(next) <= ORDER.indexOf(status)) {
      return this;
    }
    return edit(d -> d.status = next);
  }

  /** Ends the job (no-op once ended) at {@code at} seconds. */
  public JobState ended(String how, long at, Error why, List<FileObject.LineError> lines) {
    if (terminal()) {
      return this;
    }
    return edit(
        d -> {
          d.status = how;
          d.finishedAt = at;
          d.error = why;
          d.errors = lines;
        });
  }

  public JobState withDataset(int version) {
    return edit(d -> d.datasetVersion = version);
  }

  public JobState withTrainingJob(String jobId) {
    return edit(d -> d.trainingJobId = jobId);
  }

  public JobState withModel(String model) {
    return edit(d -> d.fineTunedModel = model);
  }

  public JobState withMetrics(Map<String, Double> metrics) {
    return edit(d -> d.latestMetrics = metrics);
  }

  public JobState withCheckpoint(long step) {
    return edit(d -> d.checkpointStep = step);
  }

  public JobState withVerdict(Verdict judged, List<String> files) {
    return edit(
        d -> {
          d.verdict = judged;
          d.resultFiles = files;
        });
  }

  private JobState edit(java.util.function.Consumer<Draft> change) {
    Draft draft = new Draft(this);
    change.accept(draft);
    return draft.build();
  }

  /** A copy to change a few fields of. */
  private static final class Draft {
    String status;
    Long finishedAt;
    String fineTunedModel;
    Error error;
    List<FileObject.LineError> errors;
    List<String> resultFiles;
    Integer datasetVersion;
    String trainingJobId;
    Long trainedTokens;
    Verdict verdict;
    Map<String, Double> latestMetrics;
    Long checkpointStep;

    Draft(JobState from) {
      status = from.status;
      finishedAt = from.finishedAt;
      fineTunedModel = from.fineTunedModel;
      error = from.error;
      errors = from.errors;
      resultFiles = from.resultFiles;
      datasetVersion = from.datasetVersion;
      trainingJobId = from.trainingJobId;
      trainedTokens = from.trainedTokens;
      verdict = from.verdict;
      latestMetrics = from.latestMetrics;
      checkpointStep = from.checkpointStep;
    }

    JobState build() {
      return new JobState(
          status,
          finishedAt,
          fineTunedModel,
          error,
          errors,
          resultFiles,
          datasetVersion,
          trainingJobId,
          trainedTokens,
          verdict,
          latestMetrics,
          checkpointStep);
    }
  }
}
