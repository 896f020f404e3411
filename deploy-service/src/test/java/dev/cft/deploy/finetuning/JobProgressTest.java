package dev.cft.deploy.finetuning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cft.events.CandidateReady;
import dev.cft.events.DatasetReady;
import dev.cft.events.EvaluationCompleted;
import dev.cft.events.IngestRejected;
import dev.cft.events.ModelPromoted;
import dev.cft.events.PipelineEvent;
import dev.cft.events.TrainingJobEvent;
import dev.cft.events.TrainingJobEvent.State;
import dev.cft.events.TrainingProgress;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How the pipeline's events move an API job on: states, entries, checkpoints, cancellations. */
class JobProgressTest {
  static final String JOB = "ftjob-0192f3a1c2d4-4b5e6f708192";
  static final Instant AT = Instant.parse("2026-12-03T10:00:00Z");
  static final JobRequest REQUEST =
      new JobRequest(
          JOB,
          AT.getEpochSecond(),
          "support",
          "support:v3",
          "support",
          "file-a",
          "file-b",
          7,
          null,
          null,
          null,
          Map.of(),
          "key-1");

  static JobProgress.Outcome apply(JobState state, PipelineEvent event) {
    return JobProgress.apply(REQUEST, state, false, event, null);
  }

  static TrainingJobEvent job(State state, Long step, String checkpoint, String message) {
    return new TrainingJobEvent(
        "e-" + state + step,
        JOB,
        "support",
        AT,
        "train-1",
        state,
        4,
        "models/support/versions/v3/",
        "worker-1",
        step,
        checkpoint,
        message);
  }

  static DatasetReady dataset() {
    return new DatasetReady(
        "e-ds",
        JOB,
        "support",
        AT,
        4,
        "datasets",
        "support/v4/",
        "support/v4/manifest.json",
        20,
        5,
        900,
        "0".repeat(64),
        List.of("fine-tuning/file-a"),
        3,
        null);
  }

  @Test
  void aJobGoesFromValidationThroughTrainingToSucceededWithItsVerdict() {
    JobState state = JobState.created();
    state = apply(state, dataset()).state();
    assertEquals(JobState.QUEUED, state.status());
    assertEquals(4, state.datasetVersion());
    state = apply(state, job(State.QUEUED, null, null, null)).state();
    assertEquals("train-1", state.trainingJobId());
    state = apply(state, job(State.RUNNING, null, null, "models/support/versions/v3/")).state();
    assertEquals(JobState.RUNNING, state.status());
    JobProgress.Outcome progress =
        apply(
            state,
            new TrainingProgress(
                "e-p", JOB, "support", AT, "train-1", 5, 10, 0, 0.5, 0.75, 100, 1e-3));
    assertEquals("metrics", progress.events().get(0).type());
    assertEquals(
        "Step 5/10: training loss=0.5000, validation loss=0.7500",
        progress.events().get(0).message());
    state = progress.state();
    JobProgress.Outcome beat = apply(state, job(State.HEARTBEAT, 5L, "train-1/step-5/", null));
    assertEquals(5, beat.checkpoint().stepNumber());
    assertEquals(0.75, beat.checkpoint().metrics().get("valid_loss"));
    assertEquals("support:v4:ckpt-step-5", beat.checkpoint().fineTunedModelCheckpoint());
    assertTrue(beat.events().isEmpty(), "heartbeats are not entries");
    state = beat.state();
    assertNull(
        apply(state, job(State.HEARTBEAT, 5L, "train-1/step-5/", null)).checkpoint(),
        "the same checkpoint is listed once");
    state = apply(state, job(State.SUCCEEDED, 10L, "train-1/step-10/", "candidate v4")).state();
    assertEquals(JobState.RUNNING, state.status(), "succeeded only once judged");
    assertEquals("support:v4", state.fineTunedModel(), "named once trained: no longer cancellable");
    state =
        apply(
                state,
                new CandidateReady(
                    "e-c",
                    JOB,
                    "support",
                    AT,
                    "train-1",
                    "v4",
                    "models",
                    "support/versions/v4/",
                    4,
                    "v3"))
            .state();
    assertEquals("support:v4", state.fineTunedModel());
    JobProgress.Outcome judged =
        JobProgress.apply(
            REQUEST,
            state,
            false,
            new EvaluationCompleted(
                "e-v",
                JOB,
                "support",
                AT.plusSeconds(60),
                "v4",
                "v3",
                true,
                List.of("val loss -10%"),
                Map.of("val.loss", 0.5),
                Map.of("val.loss", 0.6),
                "models",
                "support/versions/v4/",
                "support/versions/v4/evaluation.json",
                null),
            "file-results");
    state = judged.state();
    assertEquals(JobState.SUCCEEDED, state.status());
    assertEquals(AT.getEpochSecond() + 60, state.finishedAt());
    assertEquals(List.of("file-results"), state.resultFiles());
    assertTrue(state.verdict().passed());
    assertNull(state.verdict().promoted(), "not promoted yet");
    state =
        apply(
                state,
                new ModelPromoted(
                    "e-m",
                    JOB,
                    "support",
                    AT,
                    "v4",
                    "v3",
                    ModelPromoted.Action.PROMOTED,
                    "models",
                    "support/versions/v4/",
                    "passed"))
            .state();
    assertEquals(Boolean.TRUE, state.verdict().promoted());
    assertEquals(JobState.SUCCEEDED, state.status());
  }

  @Test
  void eventsOutOfOrderNeverMoveAJobBack() {
    JobState running = apply(JobState.created(), job(State.RUNNING, null, null, null)).state();
    assertEquals(JobState.RUNNING, running.status());
    JobState after = apply(running, dataset()).state();
    assertEquals(JobState.RUNNING, after.status(), "a late datasets.ready");
    assertEquals(4, after.datasetVersion(), "still tells its version");
  }

  @Test
  void aRejectedValidationFileFailsTheJobNamingTheFileLineAndField() {
    IngestRejected rejected =
        new IngestRejected(
            "e-r",
            JOB,
            "support",
            AT,
            "fine-tuning",
            "file-content/file-b/val.jsonl",
            "quarantine",
            "support/" + JOB + "/file-b",
            "support/" + JOB + "/file-b.errors.json",
            3,
            List.of(
                new IngestRejected.LineError(
                    2L,
                    "messages[0].role",
                    "role 'wizard' is not one of system, user, assistant")));
    JobState state = apply(JobState.created(), rejected).state();
    assertEquals(JobState.FAILED, state.status());
    assertEquals("invalid_validation_file", state.error().code());
    assertEquals("validation_file", state.error().param());
    assertTrue(state.error().message().contains("file-b"), state.error().message());
    assertTrue(
        state.error().message().contains("line 2, messages[0].role"), state.error().message());
    assertEquals(2L, state.errors().get(0).line());
    assertEquals(AT.getEpochSecond(), state.finishedAt());
  }

  @Test
  void aCancelledJobsTrainingIsToldAgainToStopWhileItLives() {
    JobProgress.Outcome beat =
        JobProgress.apply(
            REQUEST, JobState.created(), true, job(State.HEARTBEAT, 3L, null, null), null);
    assertEquals("train-1", beat.cancelTrainingJob());
    JobProgress.Outcome ended =
        JobProgress.apply(
            REQUEST, JobState.created(), true, job(State.CANCELLED, 3L, null, "stopped"), null);
    assertNull(ended.cancelTrainingJob(), "an ended job is not told again");
    JobProgress.Outcome step =
        JobProgress.apply(
            REQUEST,
            JobState.created(),
            true,
            new TrainingProgress(
                "e-p", JOB, "support", AT, "train-1", 5, 10, 0, 0.5, null, 100, 1e-3),
            null);
    assertEquals("train-1", step.cancelTrainingJob(), "each step it still reports");
    assertEquals(JobState.CANCELLED, ended.state().status());
    assertNull(
        apply(JobState.created(), job(State.HEARTBEAT, 3L, null, null)).cancelTrainingJob(),
        "a job nobody cancelled");
  }

  @Test
  void aTrainingFailureFailsTheJobWithItsMessage() {
    JobState state =
        apply(JobState.created(), job(State.FAILED, null, null, "model 'x' is not known")).state();
    assertEquals(JobState.FAILED, state.status());
    assertEquals("training_failed", state.error().code());
    assertEquals("Training failed: model 'x' is not known", state.error().message());
  }

  @Test
  void theSameEventGivesTheSameEntryId() {
    String first = apply(JobState.created(), dataset()).events().get(0).id();
    String again = apply(JobState.created(), dataset()).events().get(0).id();
    assertEquals(first, again);
    assertTrue(first.startsWith("ftevent-"), first);
  }
}
