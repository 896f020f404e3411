package dev.cft.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cft.events.CandidateReady;
import dev.cft.events.DatasetReady;
import dev.cft.events.ModelKeys;
import dev.cft.events.Topics;
import dev.cft.events.TrainingJobEvent;
import dev.cft.events.TrainingJobEvent.State;
import dev.cft.events.TrainingProgress;
import dev.cft.runtime.store.ObjectStore;
import dev.cft.stack.test.LocalStackResource;
import dev.cft.stack.test.PackagedService;
import dev.cft.stack.test.TopicWatcher;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A train-service process (the packaged application, a real JVM) is killed with SIGKILL in the
 * middle of a job; the application under test, another worker that consumes nothing itself, sees
 * the job's heartbeat go stale, takes it over and finishes it from the last checkpoint, once.
 */
@QuarkusTest
@TestProfile(WorkerKilledIT.RecoveryOnly.class)
@WithTestResource(LocalStackResource.class)
class WorkerKilledIT {
  public static class RecoveryOnly implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "mp.messaging.incoming.datasets-ready.enabled",
          "false",
          "cft.train.worker-id",
          "rescuer");
    }
  }

  static final Duration WAIT = Duration.ofMinutes(3);

  @Inject ObjectStore store;

  @Test
  void aJobWhoseWorkerIsKilledResumesFromItsLastCheckpointAndCompletesOnce() throws Exception {
    String domain = "killed-" + UUID.randomUUID().toString().substring(0, 8);
    Process victim = startWorker(domain);
    try (TopicWatcher jobs = new TopicWatcher(Topics.TRAINING_JOBS);
        TopicWatcher progress = new TopicWatcher(Topics.TRAINING_PROGRESS);
        TopicWatcher candidates = new TopicWatcher(Topics.CANDIDATES_READY)) {
      DatasetReady ready = new TrainingJobIT.Datasets(store).dataset(domain, 1, 0, 40);
      TrainingJobIT.publish(ready);

      TrainingJobEvent checkpointed =
          jobs.await(
              TrainingJobEvent.class,
              e -> e.domain().equals(domain) && e.checkpointKey() != null,
              WAIT);
      assertTrue(checkpointed.workerId().startsWith("victim"), checkpointed.workerId());
      victim.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      String jobId = checkpointed.jobId();

      TrainingJobEvent resumed =
          jobs.await(
              TrainingJobEvent.class,
              e -> e.jobId().equals(jobId) && e.state() == State.RESUMED,
              WAIT);
      assertTrue(resumed.workerId().startsWith("rescuer"), resumed.workerId());
      long k = resumed.step();
      assertTrue(k >= 5 && k % 5 == 0, "resumes at a checkpoint step: " + k);
      assertEquals(jobId + "/step-" + k + "/", resumed.checkpointKey());

      TrainingJobEvent end = assertCompletedOnceByTheRescuer(jobs, candidates, domain, jobId, k);
      List<TrainingProgress> after =
          progress.all(
              TrainingProgress.class,
              e -> e.jobId().equals(jobId) && e.occurredAt().isAfter(resumed.occurredAt()),
              Duration.ofSeconds(1));
      assertTrue(
          !after.isEmpty() && after.get(0).step() > k, "continues after step " + k + ": " + after);
      assertNotEquals(checkpointed.workerId(), end.workerId());
    } finally {
      victim.destroyForcibly();
    }
  }

  /**
   * A worker stopped with SIGTERM (a Kubernetes scale-down) checkpoints the step it is at and hands
   * its job over at once: the other worker resumes from exactly that step, not from the last
   * periodic checkpoint, and the job completes once.
   */
  @Test
  void aWorkerStoppedGracefullyCheckpointsWhereItIsAndHandsItsJobOver() throws Exception {
    String domain = "stopped-" + UUID.randomUUID().toString().substring(0, 8);
    Process victim = startWorker(domain);
    try (TopicWatcher jobs = new TopicWatcher(Topics.TRAINING_JOBS);
        TopicWatcher candidates = new TopicWatcher(Topics.CANDIDATES_READY)) {
      TrainingJobIT.publish(new TrainingJobIT.Datasets(store).dataset(domain, 1, 0, 40));
      TrainingJobEvent checkpointed =
          jobs.await(
              TrainingJobEvent.class,
              e -> e.domain().equals(domain) && e.checkpointKey() != null,
              WAIT);
      String jobId = checkpointed.jobId();
      victim.destroy(); // SIGTERM
      assertTrue(victim.waitFor(60, TimeUnit.SECONDS), "the worker stops within its grace");

      TrainingJobEvent handedOver =
          jobs.await(
              TrainingJobEvent.class,
              e ->
                  e.jobId().equals(jobId)
                      && e.message() != null
                      && e.message().startsWith("worker stopping: handed over at step"),
              WAIT);
      long k = handedOver.step();
      assertEquals(jobId + "/step-" + k + "/", handedOver.checkpointKey());
      assertTrue(handedOver.message().endsWith("step " + k), handedOver.message());
      TrainingJobEvent resumed =
          jobs.await(
              TrainingJobEvent.class,
              e -> e.jobId().equals(jobId) && e.state() == State.RESUMED,
              WAIT);
      assertTrue(resumed.workerId().startsWith("rescuer"), resumed.workerId());
      assertEquals(k, resumed.step(), "resumes from the step the stopped worker checkpointed");

      assertCompletedOnceByTheRescuer(jobs, candidates, domain, jobId, k);
    } finally {
      victim.destroyForcibly();
    }
  }

  /** One candidate, trained on from step {@code k} by the rescuer, and one end: SUCCEEDED. */
  private TrainingJobEvent assertCompletedOnceByTheRescuer(
      TopicWatcher jobs, TopicWatcher candidates, String domain, String jobId, long k)
      throws Exception {
    CandidateReady candidate =
        candidates.await(CandidateReady.class, e -> e.domain().equals(domain), WAIT);
    JsonNode card =
        new ObjectMapper().readTree(store.read("models", candidate.modelPrefix() + ModelKeys.CARD));
    assertEquals(k, card.path("resumedFromStep").asLong());
    assertTrue(card.path("workerId").asText().startsWith("rescuer"));
    List<TrainingJobEvent> ends =
        jobs.all(
            TrainingJobEvent.class,
            e -> e.jobId().equals(jobId) && e.state().isTerminal(),
            Duration.ofSeconds(3));
    assertEquals(1, ends.size(), "completed once: " + ends);
    assertEquals(State.SUCCEEDED, ends.get(0).state());
    assertEquals(
        1,
        candidates
            .all(CandidateReady.class, e -> e.domain().equals(domain), Duration.ofSeconds(1))
            .size());
    return ends.get(0);
  }

  /** The packaged train-service on the shared stack, training slowly enough to be caught. */
  static Process startWorker(String domain) throws Exception {
    return PackagedService.start(
        List.of(
            "-Dai.djl.offline=true",
            "-Dmp.messaging.incoming.datasets-ready.group.id=victim-" + domain,
            "-Dcft.train.worker-id=victim",
            "-Dcft.train.max-steps=80",
            "-Dcft.train.checkpoint-every=5",
            "-Dcft.train.batch-size=4",
            "-Dcft.train.context-length=64",
            "-Dcft.train.heartbeat-interval=1s",
            "-Dcft.train.stale-after=4s",
            "-Dcft.train.recovery-interval=1s"),
        Path.of("target", "victim-" + domain + ".log"));
  }
}
