package dev.cft.train.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cft.events.DatasetReady;
import dev.cft.events.FineTuning;
import dev.cft.events.ModelKeys;
import dev.cft.lm.train.TrainingResult;
import dev.cft.train.storage.JobSettings;
import java.time.Instant;

/**
 * A candidate's {@code card.json}: how it was made (lineage: the dataset version, what it started
 * from, the API job that asked for it), every setting it trained with, settled, and the run's
 * figures.
 */
final class CandidateCard {
  private static final ObjectMapper JSON = new ObjectMapper();

  private CandidateCard() {}

  static ObjectNode of(
      DatasetReady ready,
      String jobId,
      String workerId,
      JobSettings settled,
      TrainingData train,
      StartModels.Start start,
      TrainingResult result) {
    ObjectNode card = JSON.createObjectNode();
    card.put("domain", ready.domain())
        .put("version", ModelKeys.versionName(ready.datasetVersion()));
    card.put("createdAt", Instant.now().toString()).put("jobId", jobId).put("workerId", workerId);
    card.put("correlationId", ready.correlationId());
    ObjectNode lineage = card.putObject("lineage");
    lineage
        .put("datasetVersion", ready.datasetVersion())
        .put("datasetManifest", ready.bucket() + "/" + ready.manifestKey());
    lineage.put("datasetSha256", ready.contentSha256()).put("startedFrom", start.name());
    if (start.parentVersion() == null) {
      lineage.putNull("parentVersion");
    } else {
      lineage.put("parentVersion", start.parentVersion());
    }
    FineTuning fineTuning = ready.fineTuning();
    if (fineTuning != null) {
      lineage.put("fineTuningJob", fineTuning.jobId());
      if (fineTuning.model() != null) {
        lineage.put("requestedModel", fineTuning.model());
      }
    }
    ObjectNode hyper = card.putObject("hyperParameters");
    hyper.setAll((ObjectNode) JSON.valueToTree(settled));
    hyper.put("trainExamples", train.examples().size()).put("replayExamples", train.replayed());
    if (result.resumedFromStep() > 0) {
      card.put("resumedFromStep", result.resumedFromStep());
    }
    ObjectNode metrics = card.putObject("metrics");
    metrics.put("steps", result.steps()).put("totalSteps", result.totalSteps());
    metrics.put("stoppedEarly", result.stoppedEarly()).put("trainedTokens", result.trainedTokens());
    metrics.put("tokensPerSecond", result.tokensPerSecond());
    if (!result.losses().isEmpty()) {
      metrics.put("finalTrainLoss", result.losses().get(result.losses().size() - 1));
    }
    if (Double.isFinite(result.bestValidationLoss())) {
      metrics.put("bestValLoss", result.bestValidationLoss()).put("bestStep", result.bestStep());
    }
    return card;
  }
}
