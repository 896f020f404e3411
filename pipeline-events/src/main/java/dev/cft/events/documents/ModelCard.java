package dev.cft.events.documents;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.Map;

/**
 * {@code models/<domain>/versions/<v>/card.json}, written last when train-service registers a
 * candidate: how it was made. A version without its card is unfinished.
 *
 * @param hyperParameters every training setting as it was used (settled: no {@code auto} left),
 *     under train-service's setting names, plus {@code trainExamples} and {@code replayExamples}
 * @param resumedFromStep the step a worker taking the job over resumed at; absent when none did
 */
public record ModelCard(
    String domain,
    String version,
    Instant createdAt,
    String jobId,
    String workerId,
    String correlationId,
    Lineage lineage,
    Map<String, Object> hyperParameters,
    Long resumedFromStep,
    Metrics metrics) {

  /**
   * @param datasetManifest {@code <bucket>/<key>} of the dataset version's manifest
   * @param startedFrom the models-bucket prefix (or {@code tiny}) training started from
   * @param parentVersion the version of this domain it was fine-tuned from; null otherwise
   * @param fineTuningJob the API job that asked for it; absent for a dropped file's version
   * @param requestedModel what that job named as its model; absent when it named none
   */
  public record Lineage(
      int datasetVersion,
      String datasetManifest,
      String datasetSha256,
      String startedFrom,
      @JsonInclude(JsonInclude.Include.ALWAYS) String parentVersion,
      String fineTuningJob,
      String requestedModel) {}

  /**
   * @param finalTrainLoss absent when no step was trained
   * @param bestValLoss absent without a validation pass (and then {@code bestStep} too)
   */
  public record Metrics(
      long steps,
      long totalSteps,
      boolean stoppedEarly,
      long trainedTokens,
      double tokensPerSecond,
      Double finalTrainLoss,
      Double bestValLoss,
      Long bestStep) {}
}
