package dev.cft.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cft.events.CandidateReady;
import dev.cft.events.DatasetReady;
import dev.cft.events.EventIds;
import dev.cft.events.FineTuning;
import dev.cft.events.ModelKeys;
import dev.cft.events.Topics;
import dev.cft.events.TrainingCancelRequested;
import dev.cft.events.TrainingJobEvent;
import dev.cft.events.TrainingJobEvent.State;
import dev.cft.events.TrainingProgress;
import dev.cft.events.documents.JobRecord;
import dev.cft.runtime.store.ObjectStore;
import dev.cft.stack.test.LocalStackResource;
import dev.cft.stack.test.TestEvents;
import dev.cft.stack.test.TopicWatcher;
import dev.cft.train.config.TrainConfig;
import dev.cft.train.service.JobRunner;
import dev.cft.train.storage.JobSettings;
import dev.cft.train.storage.JobStore;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Jobs of the OpenAI-compatible fine-tuning API: the settings and the model they ask for reach the
 * run and its card, an unknown model fails the job naming it, and a job can be cancelled.
 */
@QuarkusTest
@WithTestResource(LocalStackResource.class)
class FineTuningJobIT {
  static final Duration WAIT = TrainingJobIT.WAIT;

  @Inject ObjectStore store;
  @Inject JobStore jobStore;
  @Inject TrainConfig trainConfig;

  static String unique(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  DatasetReady dataset(String domain, int version, int from, int to) {
    return new TrainingJobIT.Datasets(store).dataset(domain, version, from, to);
  }

  /** The event of a version made for an API job: its id is the correlation id. */
  static DatasetReady forApiJob(DatasetReady ready, FineTuning asked) {
    return new DatasetReady(
        ready.eventId(),
        asked.jobId(),
        ready.domain(),
        ready.occurredAt(),
        ready.datasetVersion(),
        ready.bucket(),
        ready.prefix(),
        ready.manifestKey(),
        ready.trainExamples(),
        ready.valExamples(),
        ready.tokenCount(),
        ready.contentSha256(),
        ready.sourceKeys(),
        ready.parentVersion(),
        asked);
  }

  /**
   * Publishes a cancellation. Keyed alike, requests reach the worker in the order they were sent.
   */
  static void cancel(String jobId, String domain, String reason) throws Exception {
    TestEvents.publish(
        Topics.TRAINING_CANCELLATIONS,
        "cancellations-of-this-test",
        new TrainingCancelRequested(
            EventIds.random(), "corr-" + jobId, domain, Instant.now(), jobId, reason));
  }

  static List<State> states(TopicWatcher jobs, String jobId) {
    return jobs
        .all(TrainingJobEvent.class, e -> e.jobId().equals(jobId), Duration.ofSeconds(1))
        .stream()
        .map(TrainingJobEvent::state)
        .filter(s -> s != State.HEARTBEAT)
        .toList();
  }

  /**
   * A running job stops after its current step and ends CANCELLED with no candidate; a job queued
   * behind it (taken over from a dead worker) ends CANCELLED without starting; the worker is free
   * at once for the next job, and a redelivery of the cancelled job's record does not run it again.
   */
  @Test
  void aCancelledJobEndsWithoutACandidateAndTheWorkerTakesTheNextJob() throws Exception {
    String running = unique("cancel");
    String queued = unique("cancel-queued");
    String next = unique("after-cancel");
    store.writeString(
        "models",
        ModelKeys.training(running),
        "{\"epochs\": 1000, \"maxSteps\": 5000, \"patience\": 0}",
        "application/json");
    try (TopicWatcher jobs = new TopicWatcher(Topics.TRAINING_JOBS);
        TopicWatcher progress = new TopicWatcher(Topics.TRAINING_PROGRESS);
        TopicWatcher candidates = new TopicWatcher(Topics.CANDIDATES_READY)) {
      DatasetReady long1 = dataset(running, 1, 0, 40);
      String longJob = JobRunner.jobId(long1);
      TrainingJobIT.publish(long1);
      TrainingProgress midRun =
          progress.await(
              TrainingProgress.class, p -> p.jobId().equals(longJob) && p.step() >= 4, WAIT);
      assertTrue(midRun.step() < midRun.totalSteps(), "mid-run: " + midRun);

      // A job whose worker died, taken over here: it waits behind the running one.
      DatasetReady waiting = dataset(queued, 1, 0, 40);
      String waitingJob = JobRunner.jobId(waiting);
      jobStore.write(
          new JobRecord(
              waitingJob,
              waiting,
              JobSettings.of(trainConfig).asMap(),
              State.RUNNING,
              "a-worker-that-died",
              Instant.EPOCH,
              null,
              null,
              0,
              null));
      jobs.await(
          TrainingJobEvent.class,
          e -> e.jobId().equals(waitingJob) && e.state() == State.RESUMED,
          WAIT);

      cancel(waitingJob, queued, "not wanted any more");
      cancel(longJob, running, "cancelled by the user (ftjob-test)");

      TrainingJobEvent cancelled =
          jobs.await(
              TrainingJobEvent.class,
              e -> e.jobId().equals(longJob) && e.state().isTerminal(),
              WAIT);
      assertEquals(State.CANCELLED, cancelled.state(), String.valueOf(cancelled.message()));
      assertEquals("cancelled by the user (ftjob-test)", cancelled.message());
      assertEquals(State.CANCELLED, jobStore.read(longJob).orElseThrow().state());
      long lastStep =
          progress
              .all(TrainingProgress.class, p -> p.jobId().equals(longJob), Duration.ofSeconds(1))
              .stream()
              .mapToLong(TrainingProgress::step)
              .max()
              .orElseThrow();
      assertTrue(lastStep < midRun.totalSteps(), "stopped before its end: step " + lastStep);

      TrainingJobEvent cancelledQueued =
          jobs.await(
              TrainingJobEvent.class,
              e -> e.jobId().equals(waitingJob) && e.state().isTerminal(),
              WAIT);
      assertEquals(State.CANCELLED, cancelledQueued.state(), cancelledQueued.message());
      assertEquals("not wanted any more", cancelledQueued.message());
      assertEquals(List.of(State.RESUMED, State.CANCELLED), states(jobs, waitingJob));
      assertEquals(State.CANCELLED, jobStore.read(waitingJob).orElseThrow().state());

      // Delivered again, the cancelled job stays cancelled; the next job runs at once.
      TrainingJobIT.publish(long1);
      TrainingJobIT.publish(dataset(next, 1, 0, 40));
      TrainingJobEvent nextEnd =
          jobs.await(
              TrainingJobEvent.class, e -> e.domain().equals(next) && e.state().isTerminal(), WAIT);
      assertEquals(State.SUCCEEDED, nextEnd.state(), String.valueOf(nextEnd.message()));
      Thread.sleep(2000);
      assertEquals(List.of(State.QUEUED, State.RUNNING, State.CANCELLED), states(jobs, longJob));
      for (String domain : List.of(running, queued)) {
        assertFalse(
            store.exists("models", ModelKeys.version(domain, "v1") + ModelKeys.CARD),
            domain + " registered no candidate");
        assertTrue(
            candidates
                .all(CandidateReady.class, c -> c.domain().equals(domain), Duration.ofMillis(200))
                .isEmpty(),
            domain + " announced no candidate");
      }
    }
  }

  /**
   * What the API job asked for (epochs, batch size, seed, a learning-rate multiplier, a registered
   * version of the domain to start from) is what the run used, and the card says so.
   */
  @Test
  void anApiJobTrainsWithWhatItAskedForFromTheVersionItNames() throws Exception {
    String domain = unique("api");
    try (TopicWatcher candidates = new TopicWatcher(Topics.CANDIDATES_READY);
        TopicWatcher jobs = new TopicWatcher(Topics.TRAINING_JOBS)) {
      TrainingJobIT.publish(dataset(domain, 1, 0, 40));
      candidates.await(CandidateReady.class, e -> e.domain().equals(domain), WAIT);

      FineTuning asked = new FineTuning(unique("ftjob"), domain + ":v1", 2, 2, 0.5, 7L);
      TrainingJobIT.publish(forApiJob(dataset(domain, 2, 40, 60), asked));
      CandidateReady candidate =
          candidates.await(
              CandidateReady.class,
              e -> e.domain().equals(domain) && e.modelVersion().equals("v2"),
              WAIT);
      assertEquals(asked.jobId(), candidate.correlationId());
      assertEquals("v1", candidate.parentModelVersion(), "no production: v1 only as asked");

      JsonNode card =
          TrainingJobIT.JSON.readTree(
              store.read("models", candidate.modelPrefix() + ModelKeys.CARD));
      JsonNode lineage = card.path("lineage");
      assertEquals(asked.jobId(), lineage.path("fineTuningJob").asText(), lineage.toString());
      assertEquals(domain + ":v1", lineage.path("requestedModel").asText());
      assertEquals("v1", lineage.path("parentVersion").asText());
      assertEquals(ModelKeys.version(domain, "v1"), lineage.path("startedFrom").asText());
      JsonNode used = card.path("hyperParameters");
      assertEquals(2, used.path("epochs").asInt(), used.toString());
      assertEquals(2, used.path("batchSize").asInt());
      assertEquals(7, used.path("seed").asLong());
      assertEquals(0.5, used.path("learningRateMultiplier").asDouble());
      assertEquals(1.5e-4, used.path("learningRate").asDouble(), 1e-12, "auto 3e-4 × 0.5");
      assertEquals(12, used.path("maxSteps").asInt(), "what it did not ask for as configured");
      TrainingJobEvent queued =
          jobs.await(
              TrainingJobEvent.class,
              e -> e.jobId().equals(candidate.jobId()) && e.state() == State.QUEUED,
              WAIT);
      assertEquals(domain + ":v1", queued.baseModel(), "the model the API job names");
    }
  }

  /** A model that names nothing there fails the job, the message naming it. */
  @Test
  void anUnknownModelFailsTheJobNamingIt() throws Exception {
    String noModel = unique("no-model");
    String noVersion = unique("no-version");
    String missing = unique("no-such-model");
    try (TopicWatcher jobs = new TopicWatcher(Topics.TRAINING_JOBS)) {
      TrainingJobIT.publish(
          forApiJob(
              dataset(noModel, 1, 0, 40),
              new FineTuning(unique("ftjob"), missing, null, null, null, null)));
      TrainingJobIT.publish(
          forApiJob(
              dataset(noVersion, 1, 0, 40),
              new FineTuning(unique("ftjob"), noVersion + ":v7", null, null, null, null)));
      for (String[] expected :
          new String[][] {
            {noModel, "model '" + missing + "' is not known"},
            {noVersion, "model '" + noVersion + ":v7' is not known"}
          }) {
        TrainingJobEvent end =
            jobs.await(
                TrainingJobEvent.class,
                e -> e.domain().equals(expected[0]) && e.state().isTerminal(),
                WAIT);
        assertEquals(State.FAILED, end.state(), String.valueOf(end.message()));
        assertTrue(end.message().contains(expected[1]), end.message());
        assertEquals(State.FAILED, jobStore.read(end.jobId()).orElseThrow().state());
      }
    }
  }
}
