package dev.cft.train.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cft.events.DatasetReady;
import dev.cft.events.FineTuning;
import dev.cft.events.documents.Documents;
import dev.cft.events.documents.ModelCard;
import dev.cft.lm.data.Example;
import dev.cft.lm.train.TrainingResult;
import dev.cft.train.storage.JobSettings;
import dev.cft.train.storage.TrainConfigs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code card.json} as train-service writes it, against a card taken from a real run. */
class CandidateCardTest {
  /** The contract's golden (pipeline-events' test resources), from an API job's run. */
  private static final Path GOLDEN =
      Path.of("../pipeline-events/src/test/resources/documents/ModelCard-api-job.json");

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String JOB = "ftjob-01a23b52ff75-6bed618391d9";

  private static DatasetReady ready(FineTuning fineTuning) {
    return new DatasetReady(
        "e1",
        JOB,
        "api-tickets",
        Instant.parse("2026-12-03T09:53:00Z"),
        2,
        "datasets",
        "api-tickets/v2/",
        "api-tickets/v2/manifest.json",
        39,
        4,
        5000,
        "ee0c5339c956f6fd5f737343c776ba4c659278dc849b5cf36cbf504d46a61272",
        List.of(),
        1,
        fineTuning);
  }

  private static TrainingResult result(List<Double> losses, double bestVal, long resumedAt) {
    return new TrainingResult(
        6, 6, losses, bestVal, 6, false, resumedAt, 10496, 0, 6284.930657032537);
  }

  private static ModelCard card(JobSettings settled, FineTuning fineTuning, TrainingResult result) {
    Example example = new Example(List.of(new Example.Segment("hi", true)));
    return CandidateCard.of(
        ready(fineTuning),
        "db4ab4fa-ca72-3c01-9cfa-c300dd96e534",
        "vm-5770",
        settled,
        new TrainingData(Collections.nCopies(49, example), 10),
        new StartModels.Start("base/api-test-base/", Path.of("start"), null),
        result);
  }

  @Test
  void writesTheCardOfARealRunAsItWasStored() throws IOException {
    String golden = Files.readString(GOLDEN, StandardCharsets.UTF_8).strip();
    ObjectNode hyper = (ObjectNode) JSON.readTree(golden).path("hyperParameters").deepCopy();
    hyper.remove(List.of("trainExamples", "replayExamples"));
    JobSettings settled = JobSettings.of(TrainConfigs.defaults()).with(hyper);

    ModelCard card =
        card(
            settled,
            new FineTuning(JOB, "api-test-base", 2, null, null, 11L),
            result(List.of(4.9, 4.6714145322389244), 4.770745595296224, 0));
    String written = new String(Documents.write(card), StandardCharsets.UTF_8);

    String createdAt = "\"createdAt\" : \"" + card.createdAt() + "\"";
    assertEquals(
        golden.replace("\"createdAt\" : \"2026-12-03T09:53:47.048145284Z\"", createdAt),
        written.strip());
  }

  @Test
  void leavesOutWhatARunWithoutValidationOrStepsOrApiJobDoesNotHave() throws IOException {
    ModelCard card =
        card(JobSettings.of(TrainConfigs.defaults()), null, result(List.of(), Double.NaN, 3));
    JsonNode written = JSON.readTree(Documents.write(card));

    JsonNode lineage = written.path("lineage");
    assertFalse(lineage.has("fineTuningJob"), lineage.toString());
    assertFalse(lineage.has("requestedModel"), lineage.toString());
    assertEquals(3, written.path("resumedFromStep").asLong());
    JsonNode metrics = written.path("metrics");
    assertFalse(metrics.has("finalTrainLoss"), metrics.toString());
    assertFalse(metrics.has("bestValLoss"), metrics.toString());
    assertFalse(metrics.has("bestStep"), metrics.toString());
    assertNull(Documents.read(Documents.write(card), ModelCard.class, "card").metrics().bestStep());
  }
}
