package dev.cft.train.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.cft.events.documents.Documents;
import dev.cft.events.documents.JobRecord;
import dev.cft.lm.data.Packing;
import dev.cft.train.config.TrainConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class JobStoreTest {
  /** A record as the service wrote it before the training controls were added. */
  static final String EARLIER_RECORD =
      """
      {"jobId":"j1","dataset":{"eventId":"e1","correlationId":"c1","domain":"support",
       "occurredAt":"2026-11-30T10:00:00Z","datasetVersion":1,"bucket":"datasets",
       "prefix":"support/v1/","manifestKey":"support/v1/manifest.json","trainExamples":76,
       "valExamples":4,"tokenCount":1000,"contentSha256":"%s","sourceKeys":["ingest/support/a.jsonl"],
       "parentVersion":null},
       "settings":{"baseModel":"tiny","epochs":0,"maxSteps":0,"learningRate":3.0E-4,"batchSize":16,
       "contextLength":128,"dropout":0.1,"checkpointEvery":50,"replayRatio":0.25,"seed":42,
       "minStepsFromScratch":300},
       "state":"RUNNING","workerId":"w1","heartbeatAt":"2026-11-30T10:01:00Z","step":50,
       "checkpointKey":"j1/step-50/","attempts":0,"terminal":false}
      """
          .formatted("0".repeat(64));

  /** The contract's golden, where pipeline-events keeps it (one copy in the repository). */
  static final Path GOLDEN =
      Path.of("..", "pipeline-events", "src", "test", "resources", "documents")
          .resolve("JobRecord-api-job.json");

  @Test
  void aRecordOfAnEarlierVersionReadsWithTodaysDefaultsForWhatItLacks() {
    TrainConfig config = TrainConfigs.defaults();
    JobRecord record =
        JobStore.parse(EARLIER_RECORD.getBytes(StandardCharsets.UTF_8), "_jobs/j1.json");
    JobSettings settings = JobSettings.of(config).with(record.settings());
    assertEquals(3e-4, settings.learningRate(), "what it has is kept");
    assertEquals(300, settings.minStepsFromScratch());
    assertEquals(Recipe.AUTO, settings.recipe(), "what it lacks is the default");
    assertEquals(Packing.WRAPPED, settings.packing());
    assertEquals(1, settings.gradientAccumulation());
    assertEquals(1.0, settings.learningRateMultiplier(), "the rate as it was");
    assertEquals(config.lora().rank(), settings.loraRank());
    assertEquals("j1/step-50/", record.checkpointKey());
    assertNull(record.start(), "not pinned before this version: pinned when it runs");
  }

  @Test
  void theSettingsARecordKeepsAreTheContractsAndReadBackAsTheyWere() throws Exception {
    JobRecord golden =
        Documents.read(Files.readAllBytes(GOLDEN), JobRecord.class, GOLDEN.toString());
    JobSettings settings = JobSettings.of(TrainConfigs.defaults());
    Map<String, Object> written = settings.asMap();
    assertEquals(
        new TreeSet<>(golden.settings().keySet()),
        new TreeSet<>(written.keySet()),
        "train-service keeps the settings the golden job record names");
    assertEquals(settings, settings.with(written));
    JobSettings recorded = settings.with(golden.settings());
    assertEquals(golden.settings().get("epochs"), recorded.epochs());
    assertEquals(golden.settings().get("seed"), (int) recorded.seed());
  }
}
