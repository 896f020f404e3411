package dev.cft.train.service;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cft.events.DatasetReady;
import dev.cft.events.FineTuning;
import dev.cft.events.ModelKeys;
import dev.cft.events.documents.ModelCard;
import dev.cft.lm.train.TrainingResult;
import dev.cft.train.storage.JobSettings;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A candidate's {@code card.json}: how it was made (lineage: the dataset version, what it started
 * from, the API job that asked for it), every setting it trained with, settled, and the run's
 * figures.
 */
final class CandidateCard {
  /** Writes the settings as a job record does: the names and values of {@link JobSettings}. */
  private static final ObjectMapper SETTINGS = new ObjectMapper();

  private static final TypeReference<LinkedHashMap<String, Object>> FIELDS =
      new TypeReference<>() {};

  private CandidateCard() {}

  static ModelCard of(
      DatasetReady ready,
      String jobId,
      String workerId,
      JobSettings settled,
      TrainingData train,
      StartModels.Start start,
      TrainingResult result) {
    FineTuning fineTuning = ready.fineTuning();
    ModelCard.Lineage lineage =
        new ModelCard.Lineage(
            ready.datasetVersion(),
            ready.bucket() + "/" + ready.manifestKey(),
            ready.contentSha256(),
            start.name(),
            start.parentVersion(),
            fineTuning == null ? null : fineTuning.jobId(),
            fineTuning == null ? null : fineTuning.model());
    return new ModelCard(
        ready.domain(),
        ModelKeys.versionName(ready.datasetVersion()),
        Instant.now(),
        jobId,
        workerId,
        ready.correlationId(),
        lineage,
        hyperParameters(settled, train),
        result.resumedFromStep() > 0 ? result.resumedFromStep() : null,
        metrics(result));
  }

  /** The settled settings, then how many examples it trained on and how many were replayed. */
  private static Map<String, Object> hyperParameters(JobSettings settled, TrainingData train) {
    Map<String, Object> hyper = SETTINGS.convertValue(settled, FIELDS);
    hyper.put("trainExamples", train.examples().size());
    hyper.put("replayExamples", train.replayed());
    return hyper;
  }

  private static ModelCard.Metrics metrics(TrainingResult result) {
    boolean validated = Double.isFinite(result.bestValidationLoss());
    return new ModelCard.Metrics(
        result.steps(),
        result.totalSteps(),
        result.stoppedEarly(),
        result.trainedTokens(),
        result.tokensPerSecond(),
        result.losses().isEmpty() ? null : result.finalLoss(),
        validated ? result.bestValidationLoss() : null,
        validated ? result.bestStep() : null);
  }
}
