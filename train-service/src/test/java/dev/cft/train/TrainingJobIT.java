package dev.cft.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cft.events.CandidateReady;
import dev.cft.events.DatasetReady;
import dev.cft.events.EventIds;
import dev.cft.events.ModelKeys;
import dev.cft.events.Topics;
import dev.cft.events.TrainingJobEvent;
import dev.cft.events.TrainingProgress;
import dev.cft.events.documents.JobRecord;
import dev.cft.lm.Gpt;
import dev.cft.lm.io.Checkpoint;
import dev.cft.runtime.store.ObjectStore;
import dev.cft.stack.test.LocalStackResource;
import dev.cft.stack.test.TestEvents;
import dev.cft.stack.test.TopicWatcher;
import dev.cft.train.storage.JobSettings;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A datasets.ready event on the real broker → a trained, registered candidate in the real store.
 */
@QuarkusTest
@WithTestResource(LocalStackResource.class)
class TrainingJobIT {
  static final Duration WAIT = Duration.ofMinutes(3);
  static final ObjectMapper JSON = new ObjectMapper();

  @Inject ObjectStore store;
  @Inject dev.cft.train.storage.JobStore jobStore;
  @Inject dev.cft.train.config.TrainConfig trainConfig;
  @TempDir Path tmp;

  /** Writes a dataset version's files into the store and returns its event. */
  record Datasets(ObjectStore store) {
    DatasetReady dataset(String domain, int version, int from, int to) {
      return dataset(domain, version, from, to, TestEvents.ticketLines(to, to + 4));
    }

    DatasetReady dataset(String domain, int version, int from, int to, String valLines) {
      String prefix = domain + "/v" + version + "/";
      store.writeString(
          "datasets",
          prefix + DatasetReady.TRAIN_FILE,
          TestEvents.ticketLines(from, to),
          "application/x-ndjson");
      store.writeString(
          "datasets", prefix + DatasetReady.VAL_FILE, valLines, "application/x-ndjson");
      store.write(
          "datasets",
          prefix + DatasetReady.MANIFEST_FILE,
          TestEvents.manifest(domain, version, to - from, (int) valLines.lines().count()),
          "application/json");
      return new DatasetReady(
          EventIds.random(),
          "corr-" + domain + "-" + version,
          domain,
          Instant.now(),
          version,
          "datasets",
          prefix,
          prefix + DatasetReady.MANIFEST_FILE,
          to - from,
          4,
          1000,
          "0".repeat(64),
          List.of("ingest/" + domain + "/file.jsonl"),
          version > 1 ? version - 1 : null,
          null);
    }
  }

  /** A small trained model saved locally and as {@code models/base/<name>/}. */
  Path publishBase(String name) throws java.io.IOException {
    Path dir = tmp.resolve(name);
    dev.cft.lm.TestModels.saveTrained(dir, 30);
    store.uploadDirectory(dir, "models", ModelKeys.base(name));
    return dir;
  }

  /** The domain's {@code training.json}. */
  void train(String domain, String settings) {
    store.writeString("models", ModelKeys.training(domain), settings, "application/json");
  }

  DatasetReady dataset(String domain, int version, int from, int to) {
    return new Datasets(store).dataset(domain, version, from, to);
  }

  static org.apache.kafka.clients.producer.RecordMetadata publish(DatasetReady event)
      throws Exception {
    return TestEvents.publish(Topics.DATASETS_READY, event.domain(), event);
  }

  @Test
  void aDatasetBecomesACandidateWithLineageThenTheNextStartsFromProduction() throws Exception {
    String domain = "train-" + UUID.randomUUID().toString().substring(0, 8);
    try (TopicWatcher candidates = new TopicWatcher(Topics.CANDIDATES_READY);
        TopicWatcher jobs = new TopicWatcher(Topics.TRAINING_JOBS);
        TopicWatcher progress = new TopicWatcher(Topics.TRAINING_PROGRESS)) {
      DatasetReady v1 = dataset(domain, 1, 0, 40);
      publish(v1);

      CandidateReady first =
          candidates.await(CandidateReady.class, e -> e.domain().equals(domain), WAIT);
      assertEquals("v1", first.modelVersion());
      assertEquals(v1.correlationId(), first.correlationId());
      assertNull(first.parentModelVersion());
      String prefix = ModelKeys.version(domain, "v1");
      assertEquals(prefix, first.modelPrefix());

      JsonNode card = JSON.readTree(store.read("models", prefix + ModelKeys.CARD));
      assertEquals(1, card.path("lineage").path("datasetVersion").asInt());
      // Every value the run used, the auto ones settled.
      JsonNode used = card.path("hyperParameters");
      for (String setting :
          List.of(
              "baseModel",
              "recipe",
              "epochs",
              "maxSteps",
              "learningRate",
              "batchSize",
              "gradientAccumulation",
              "contextLength",
              "packing",
              "dropout",
              "warmupRatio",
              "weightDecay",
              "clipNorm",
              "evalEvery",
              "patience",
              "loraRank",
              "loraAlpha",
              "loraDropout",
              "loraTargets",
              "loraFromParameters",
              "checkpointEvery",
              "replayRatio",
              "seed",
              "minStepsFromScratch",
              "trainExamples",
              "replayExamples")) {
        assertTrue(used.has(setting), setting + " missing from " + used);
      }
      assertEquals("full", used.path("recipe").asText());
      assertEquals("wrapped", used.path("packing").asText());
      assertEquals(1e-3, used.path("learningRate").asDouble(), "auto: from scratch");
      assertEquals(1, used.path("evalEvery").asInt(), "auto: 20 validations, 12 steps");
      assertEquals(0, used.path("replayExamples").asInt());
      assertEquals("tiny", card.path("lineage").path("startedFrom").asText());
      assertEquals(first.jobId(), card.path("jobId").asText());
      assertEquals(12, card.path("metrics").path("steps").asInt());
      assertTrue(card.path("metrics").path("bestValLoss").isNumber(), card.toString());

      // The registered files are a checkpoint any stage can rebuild the model from.
      Path dir = tmp.resolve("v1");
      assertTrue(store.downloadDirectory("models", prefix, dir) >= 4);
      try (NDManager manager = NDManager.newBaseManager();
          Gpt model = Checkpoint.load(dir, manager)) {
        NDArray logits =
            model.forward(manager.create(new long[] {1, 2, 3}, new Shape(1, 3)), false);
        assertEquals(new Shape(1, 3, model.config().vocabSize()), logits.getShape());
      }

      List<TrainingJobEvent.State> states =
          jobs
              .all(
                  TrainingJobEvent.class,
                  e -> e.jobId().equals(first.jobId()),
                  Duration.ofSeconds(1))
              .stream()
              .map(TrainingJobEvent::state)
              .toList();
      assertEquals(TrainingJobEvent.State.QUEUED, states.get(0));
      assertEquals(TrainingJobEvent.State.RUNNING, states.get(1));
      assertEquals(TrainingJobEvent.State.SUCCEEDED, states.get(states.size() - 1));
      TrainingJobEvent heartbeat =
          jobs.await(
              TrainingJobEvent.class,
              e -> e.jobId().equals(first.jobId()) && e.checkpointKey() != null,
              WAIT);
      assertEquals(first.jobId() + "/step-5/", heartbeat.checkpointKey());
      assertTrue(store.exists("checkpoints", heartbeat.checkpointKey() + "model.safetensors"));
      assertTrue(store.exists("checkpoints", heartbeat.checkpointKey() + "training_state.json"));
      List<TrainingProgress> steps =
          progress.all(
              TrainingProgress.class, e -> e.jobId().equals(first.jobId()), Duration.ofSeconds(1));
      assertTrue(steps.size() >= 5, "progress every 2 steps: " + steps.size());
      assertEquals(12, steps.get(steps.size() - 1).totalSteps());
      assertTrue(
          steps.stream().allMatch(p -> Double.isFinite(p.trainLoss()) && p.tokensPerSecond() > 0));

      // Delivered again: nothing is trained twice.
      publish(v1);
      // The domain goes to production with v1; v2 then starts from it, with v1 replayed.
      store.writeString(
          "models",
          ModelKeys.alias(domain, ModelKeys.PRODUCTION),
          "{\"version\":\"v1\"}",
          "application/json");
      publish(dataset(domain, 2, 40, 60));

      CandidateReady second =
          candidates.await(
              CandidateReady.class,
              e -> e.domain().equals(domain) && e.modelVersion().equals("v2"),
              WAIT);
      assertEquals("v1", second.parentModelVersion());
      JsonNode card2 = JSON.readTree(store.read("models", second.modelPrefix() + ModelKeys.CARD));
      assertEquals("v1", card2.path("lineage").path("parentVersion").asText());
      JsonNode used2 = card2.path("hyperParameters");
      assertEquals(5, used2.path("replayExamples").asInt(), "20 new examples × 0.25 from v1");
      assertEquals(25, used2.path("trainExamples").asInt());
      assertEquals("full", used2.path("recipe").asText(), "a 0.8 M model trains every weight");
      assertEquals(3e-4, used2.path("learningRate").asDouble(), "auto: full fine-tuning");
      assertEquals(
          ModelKeys.version(domain, "v1"), card2.path("lineage").path("startedFrom").asText());
      assertEquals(
          1,
          candidates
              .all(
                  CandidateReady.class,
                  e -> e.domain().equals(domain) && e.modelVersion().equals("v1"),
                  Duration.ofSeconds(1))
              .size(),
          "v1 was registered once");
    }
  }

  @Test
  void aDomainsTrainingJsonOverridesTheServiceSettingsAndABadOneFailsTheJobWithTheReason()
      throws Exception {
    String domain = "tuned-" + UUID.randomUUID().toString().substring(0, 8);
    String broken = "broken-" + UUID.randomUUID().toString().substring(0, 8);
    train(domain, "{\"maxSteps\": 6, \"learningRate\": 0.001}");
    train(broken, "{\"epochz\": 3}");
    try (TopicWatcher candidates = new TopicWatcher(Topics.CANDIDATES_READY);
        TopicWatcher jobs = new TopicWatcher(Topics.TRAINING_JOBS)) {
      publish(dataset(domain, 1, 0, 40));
      publish(dataset(broken, 1, 0, 40));

      CandidateReady tuned =
          candidates.await(CandidateReady.class, e -> e.domain().equals(domain), WAIT);
      JsonNode card = JSON.readTree(store.read("models", tuned.modelPrefix() + ModelKeys.CARD));
      assertEquals(6, card.path("metrics").path("steps").asInt());
      assertEquals(0.001, card.path("hyperParameters").path("learningRate").asDouble());
      assertEquals(
          4, card.path("hyperParameters").path("batchSize").asInt(), "the rest as configured");

      TrainingJobEvent failed =
          jobs.await(
              TrainingJobEvent.class,
              e -> e.domain().equals(broken) && e.state() == TrainingJobEvent.State.FAILED,
              WAIT);
      assertTrue(
          failed.message().contains(broken + "/training.json: unknown setting 'epochz'"),
          failed.message());
    }
  }

  /**
   * Early stopping reaches the run from training.json: the validation set asks for an answer the
   * training data never gives, so its loss rises as the model learns; the run stops, keeping the
   * weights of its best validation, and still registers a candidate.
   */
  @Test
  void aRunWhoseValidationLossWorsensStopsEarly() throws Exception {
    String domain = "patient-" + UUID.randomUUID().toString().substring(0, 8);
    train(domain, "{\"maxSteps\": 400, \"evalEvery\": 5, \"patience\": 3, \"learningRate\": 3e-3}");
    String refunds =
        java.util.stream.IntStream.range(100, 108)
                .mapToObj(i -> "{\"prompt\":\"ticket " + i + ": \",\"completion\":\"refund\"}")
                .collect(java.util.stream.Collectors.joining("\n"))
            + "\n";
    try (TopicWatcher candidates = new TopicWatcher(Topics.CANDIDATES_READY)) {
      publish(new Datasets(store).dataset(domain, 1, 0, 40, refunds));
      CandidateReady candidate =
          candidates.await(CandidateReady.class, e -> e.domain().equals(domain), WAIT);
      JsonNode card = JSON.readTree(store.read("models", candidate.modelPrefix() + ModelKeys.CARD));
      JsonNode metrics = card.path("metrics");
      assertTrue(metrics.path("stoppedEarly").asBoolean(), card.toString());
      assertTrue(metrics.path("steps").asInt() < 400, card.toString());
      assertTrue(metrics.path("bestStep").asInt() < metrics.path("steps").asInt(), card.toString());
      assertEquals(3, card.path("hyperParameters").path("patience").asInt());
    }
  }

  /**
   * A job's first worker pins what it starts from; a worker that takes the job over starts from the
   * same model even though production has moved meanwhile (a LoRA checkpoint holds adapters for
   * that model only).
   */
  @Test
  void aJobTakenOverStartsFromWhatItsFirstWorkerStartedFrom() throws Exception {
    String domain = "pinned-" + UUID.randomUUID().toString().substring(0, 8);
    String base = "pinned-base-" + UUID.randomUUID().toString().substring(0, 8);
    publishBase(base);
    Path moved = tmp.resolve("moved");
    dev.cft.lm.TestModels.saveTrained(moved, 10);
    store.uploadDirectory(moved, "models", ModelKeys.version(domain, "v9"));
    store.writeString(
        "models",
        ModelKeys.alias(domain, ModelKeys.PRODUCTION),
        "{\"version\":\"v9\"}",
        "application/json");
    DatasetReady ready = dataset(domain, 1, 0, 40);
    JobRecord abandoned =
        new JobRecord(
            dev.cft.train.service.JobRunner.jobId(ready),
            ready,
            JobSettings.of(trainConfig).with(JSON.readTree("{\"maxSteps\": 6}")).asMap(),
            TrainingJobEvent.State.RUNNING,
            "a-worker-that-died",
            Instant.EPOCH,
            null,
            null,
            0,
            new JobRecord.Start(ModelKeys.base(base), null));
    try (TopicWatcher candidates = new TopicWatcher(Topics.CANDIDATES_READY)) {
      jobStore.write(abandoned);
      CandidateReady candidate =
          candidates.await(CandidateReady.class, e -> e.domain().equals(domain), WAIT);
      JsonNode lineage =
          JSON.readTree(store.read("models", candidate.modelPrefix() + ModelKeys.CARD))
              .path("lineage");
      assertEquals(ModelKeys.base(base), lineage.path("startedFrom").asText(), lineage.toString());
      assertTrue(lineage.path("parentVersion").isNull(), "not production v9: " + lineage);
      assertNull(candidate.parentModelVersion());
    }
  }

  /**
   * A recipe set in training.json: LoRA adapters on a pretrained base, merged into the registered
   * model, which loads as a plain checkpoint.
   */
  @Test
  void aLoraRecipeTrainsAdaptersAndRegistersAMergedModel() throws Exception {
    String domain = "adapted-" + UUID.randomUUID().toString().substring(0, 8);
    String base = "lora-base-" + UUID.randomUUID().toString().substring(0, 8);
    Path dir = publishBase(base);
    train(
        domain,
        "{\"baseModel\": \""
            + base
            + "\", \"recipe\": \"lora\", \"loraRank\": 4,"
            + " \"loraTargets\": [\"attention\"]}");
    try (TopicWatcher candidates = new TopicWatcher(Topics.CANDIDATES_READY)) {
      publish(dataset(domain, 1, 0, 40));
      CandidateReady candidate =
          candidates.await(CandidateReady.class, e -> e.domain().equals(domain), WAIT);
      JsonNode used =
          JSON.readTree(store.read("models", candidate.modelPrefix() + ModelKeys.CARD))
              .path("hyperParameters");
      assertEquals("lora", used.path("recipe").asText());
      assertEquals(4, used.path("loraRank").asInt());
      assertEquals(5e-4, used.path("learningRate").asDouble(), "auto: LoRA");
      Path registered = tmp.resolve("registered");
      store.downloadDirectory("models", candidate.modelPrefix(), registered);
      try (NDManager manager = NDManager.newBaseManager();
          Gpt tuned = Checkpoint.load(registered, manager);
          Gpt original = Checkpoint.load(dir, manager)) {
        assertTrue(
            !java.util.Arrays.equals(
                tuned.weights().get("h.0.attn.c_attn.weight").toFloatArray(),
                original.weights().get("h.0.attn.c_attn.weight").toFloatArray()),
            "the adapted projection changed");
        assertTrue(
            java.util.Arrays.equals(
                tuned.weights().get("h.0.mlp.c_fc.weight").toFloatArray(),
                original.weights().get("h.0.mlp.c_fc.weight").toFloatArray()),
            "an MLP weight without adapters stayed as it was");
      }
    }
  }

  /**
   * The datasets.ready record is committed when its job ends, not when it is accepted: the group's
   * lag (what KEDA scales workers on) counts the running job. Kafka commits acknowledged records
   * every 5 s, so a record still uncommitted 8 s after acceptance is the running job's. Checked on
   * the record's own partition (other tests' records may still be settling in the group's total).
   */
  @Test
  void aRunningJobCountsInTheConsumerLagUntilItEnds() throws Exception {
    String domain = "lag-" + UUID.randomUUID().toString().substring(0, 8);
    train(domain, "{\"epochs\": 100, \"maxSteps\": 500, \"patience\": 0}");
    try (TopicWatcher jobs = new TopicWatcher(Topics.TRAINING_JOBS)) {
      var sent = publish(dataset(domain, 1, 0, 40));
      var partition = new org.apache.kafka.common.TopicPartition(sent.topic(), sent.partition());
      long committed;
      double lag;
      boolean stillRunning;
      try {
        TrainingJobEvent running =
            jobs.await(
                TrainingJobEvent.class,
                e -> e.domain().equals(domain) && e.state() == TrainingJobEvent.State.RUNNING,
                WAIT);
        Thread.sleep(
            Math.max(
                0,
                Duration.between(Instant.now(), running.occurredAt().plusSeconds(8)).toMillis()));
        // Records before ours on the partition settle (when there are any: the first record of a
        // partition has nothing before it to wait for); ours must not be committed past.
        long settleUntil = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (sent.offset() > 0
            && committedOffset(partition) < sent.offset()
            && System.nanoTime() < settleUntil) {
          Thread.sleep(250);
        }
        committed = committedOffset(partition);
        lag = datasetsLag();
        stillRunning =
            jobs.all(
                    TrainingJobEvent.class,
                    e -> e.domain().equals(domain) && e.state().isTerminal(),
                    Duration.ofMillis(200))
                .isEmpty();
      } finally {
        // The next tests train in this JVM too: this job ends before they start.
        jobs.await(
            TrainingJobEvent.class, e -> e.domain().equals(domain) && e.state().isTerminal(), WAIT);
      }
      assertTrue(stillRunning, "the job must still run for the check to mean anything");
      assertEquals(
          sent.offset(),
          Math.max(committed, 0), // none committed yet (-1) is up to a partition's first record
          "while the job runs the group is committed up to its record, not past it");
      assertTrue(lag >= 1, "the exported lag counts the running job: " + lag);
      long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (committedOffset(partition) != sent.offset() + 1 && System.nanoTime() < until) {
        Thread.sleep(250);
      }
      assertEquals(sent.offset() + 1, committedOffset(partition), "committed once the job ended");
    }
  }

  /** The train-service group's committed offset on {@code partition}, -1 without one. */
  private static long committedOffset(org.apache.kafka.common.TopicPartition partition)
      throws Exception {
    java.util.Properties props = new java.util.Properties();
    props.put("bootstrap.servers", dev.cft.stack.test.SharedLocalStack.get().kafkaBootstrap());
    try (var admin = org.apache.kafka.clients.admin.Admin.create(props)) {
      var offset =
          admin
              .listConsumerGroupOffsets("train-service")
              .partitionsToOffsetAndMetadata()
              .get()
              .get(partition);
      return offset == null ? -1 : offset.offset();
    }
  }

  /**
   * The broker stops for a few seconds while a job runs: progress and heartbeats wait for it, the
   * job completes, and there is one candidate.
   */
  @Test
  void aJobOutlivesABrokerRestartAndRegistersOneCandidate() throws Exception {
    String domain = "restart-" + UUID.randomUUID().toString().substring(0, 8);
    train(domain, "{\"epochs\": 100, \"maxSteps\": 400}");
    try (TopicWatcher jobs = new TopicWatcher(Topics.TRAINING_JOBS);
        TopicWatcher candidates = new TopicWatcher(Topics.CANDIDATES_READY)) {
      publish(dataset(domain, 1, 0, 40));
      jobs.await(
          TrainingJobEvent.class,
          e -> e.domain().equals(domain) && e.state() == TrainingJobEvent.State.RUNNING,
          WAIT);
      dev.cft.stack.test.SharedLocalStack.get().stopKafka();
      try {
        Thread.sleep(5000);
      } finally {
        dev.cft.stack.test.SharedLocalStack.get().startKafka();
      }
      TrainingJobEvent end =
          jobs.await(
              TrainingJobEvent.class,
              e -> e.domain().equals(domain) && e.state().isTerminal(),
              WAIT);
      assertEquals(TrainingJobEvent.State.SUCCEEDED, end.state(), String.valueOf(end.message()));
      Thread.sleep(2000);
      List<String> candidateIds =
          candidates
              .all(CandidateReady.class, e -> e.domain().equals(domain), Duration.ofSeconds(1))
              .stream()
              .map(CandidateReady::eventId)
              .distinct()
              .toList();
      assertEquals(1, candidateIds.size(), "one candidate: " + candidateIds);
      assertTrue(store.exists("models", ModelKeys.version(domain, "v1") + ModelKeys.CARD));
    }
  }

  private double datasetsLag() throws Exception {
    String text =
        java.net.http.HttpClient.newHttpClient()
            .send(
                java.net.http.HttpRequest.newBuilder(LocalStackResource.management("q/metrics"))
                    .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString())
            .body();
    for (String line : text.split("\n")) {
      if (line.startsWith("cft_kafka_consumer_lag{")
          && line.contains("group=\"train-service\"")
          && line.contains("topic=\"datasets.ready\"")) {
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    throw new AssertionError("no lag of train-service on datasets.ready in\n" + text);
  }

  @Test
  void aDomainWithoutProductionStartsFromTheBaseCheckpointItNames() throws Exception {
    String domain = "based-" + UUID.randomUUID().toString().substring(0, 8);
    String base = "it-base-" + UUID.randomUUID().toString().substring(0, 8);
    publishBase(base);
    train(domain, "{\"baseModel\": \"" + base + "\"}");
    try (TopicWatcher candidates = new TopicWatcher(Topics.CANDIDATES_READY)) {
      publish(dataset(domain, 1, 0, 40));
      CandidateReady candidate =
          candidates.await(CandidateReady.class, e -> e.domain().equals(domain), WAIT);
      JsonNode card = JSON.readTree(store.read("models", candidate.modelPrefix() + ModelKeys.CARD));
      assertEquals(ModelKeys.base(base), card.path("lineage").path("startedFrom").asText());
      assertEquals(base, card.path("hyperParameters").path("baseModel").asText());
      assertNull(candidate.parentModelVersion(), "a base is not a version of the domain");
    }
  }
}
