package dev.cft.deploy.finetuning;

import dev.cft.events.CandidateReady;
import dev.cft.events.DatasetReady;
import dev.cft.events.EvaluationCompleted;
import dev.cft.events.IngestRejected;
import dev.cft.events.ModelKeys;
import dev.cft.events.ModelPromoted;
import dev.cft.events.PipelineEvent;
import dev.cft.events.TrainingJobEvent;
import dev.cft.events.TrainingProgress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one pipeline event means for an API job: its next state, the entries it adds to the job's
 * events and checkpoints, and whether a cancelled job's training must be told again to stop. Pure,
 * so a redelivered event changes nothing more, and events of different topics may come in any
 * order: states only move forward.
 */
public final class JobProgress {

  /**
   * @param checkpoint null when the event lists no new checkpoint
   * @param cancelTrainingJob the training job to ask again to stop; null when none
   */
  public record Outcome(
      JobState state, List<JobEvent> events, JobCheckpoint checkpoint, String cancelTrainingJob) {}

  private JobProgress() {}

  /**
   * @param cancelled whether the job was cancelled through the API
   * @param resultFile the file holding the verdict, for an {@link EvaluationCompleted}
   */
  public static Outcome apply(
      JobRequest request,
      JobState state,
      boolean cancelled,
      PipelineEvent event,
      String resultFile) {
    Entry entry =
        new Entry(
            JobIds.derived(JobIds.EVENT, event.occurredAt(), event.eventId()),
            event.occurredAt().getEpochSecond());
    if (event instanceof DatasetReady ready) {
      return only(
          state.withDataset(ready.datasetVersion()).advancedTo(JobState.QUEUED),
          entry.info(
              "Files validated: dataset "
                  + ready.domain()
                  + " v"
                  + ready.datasetVersion()
                  + " with "
                  + ready.trainExamples()
                  + " training and "
                  + ready.valExamples()
                  + " validation examples; job queued"));
    }
    if (event instanceof IngestRejected rejected) {
      return rejected(request, state, rejected, entry);
    }
    if (event instanceof TrainingJobEvent job) {
      return training(request, state, cancelled, job, entry);
    }
    if (event instanceof TrainingProgress progress) {
      return progress(state, cancelled, progress, entry);
    }
    if (event instanceof CandidateReady candidate) {
      String model = ModelKeys.servedName(candidate.domain(), candidate.modelVersion());
      return only(
          state.withModel(model),
          entry.info("New fine-tuned model created: " + model + "; evaluating"));
    }
    if (event instanceof EvaluationCompleted verdict) {
      return evaluated(state, verdict, resultFile, entry);
    }
    if (event instanceof ModelPromoted promotion) {
      return promoted(state, promotion, entry);
    }
    return new Outcome(state, List.of(), null, null);
  }

  /** An entry's id and time (seconds), derived from the event it comes from. */
  private record Entry(String id, long at) {
    JobEvent info(String message) {
      return JobEvent.info(id, at, message);
    }

    JobEvent error(String message) {
      return JobEvent.error(id, at, message);
    }
  }

  private static Outcome only(JobState state, JobEvent event) {
    return new Outcome(state, List.of(event), null, null);
  }

  private static Outcome rejected(
      JobRequest request, JobState state, IngestRejected rejected, Entry entry) {
    boolean validation =
        request.validationFile() != null && rejected.sourceKey().contains(request.validationFile());
    String file = validation ? request.validationFile() : request.trainingFile();
    String message =
        (validation ? "Validation" : "Training")
            + " file "
            + file
            + " is not usable: "
            + rejected.errorCount()
            + (rejected.errorCount() == 1 ? " problem" : " problems")
            + (rejected.errors().isEmpty() ? "" : "; first: " + line(rejected.errors().get(0)))
            + " (all of them: GET /v1/files/"
            + file
            + ")";
    List<FileObject.LineError> lines =
        rejected.errors().stream()
            .map(e -> new FileObject.LineError(e.line(), e.field(), e.message()))
            .toList();
    JobState.Error error =
        new JobState.Error(
            validation ? "invalid_validation_file" : "invalid_training_file",
            message,
            validation ? "validation_file" : "training_file");
    return only(state.ended(JobState.FAILED, entry.at(), error, lines), entry.error(message));
  }

  private static Outcome training(
      JobRequest request, JobState state, boolean cancelled, TrainingJobEvent job, Entry entry) {
    JobState next = state.trainingJobId() == null ? state.withTrainingJob(job.jobId()) : state;
    List<JobEvent> events = new ArrayList<>();
    switch (job.state()) {
      case QUEUED -> {
        next = next.advancedTo(JobState.QUEUED);
        events.add(entry.info("Training job " + job.jobId() + " queued"));
      }
      case RUNNING, RESUMED -> {
        next = next.advancedTo(JobState.RUNNING);
        events.add(
            entry.info(
                (job.state() == TrainingJobEvent.State.RUNNING
                        ? "Fine-tuning started on "
                        : "Fine-tuning resumed on ")
                    + job.workerId()
                    + (job.message() == null ? "" : ": " + job.message())));
      }
      case HEARTBEAT -> {}
      case SUCCEEDED -> {
        // Its candidate is named after the dataset version; from now on it cannot be cancelled.
        next =
            next.withModel(
                ModelKeys.servedName(job.domain(), ModelKeys.versionName(job.datasetVersion())));
        events.add(entry.info("Training finished: " + job.message()));
      }
      case FAILED -> {
        String why = "Training failed: " + job.message();
        next =
            next.ended(
                JobState.FAILED,
                entry.at(),
                new JobState.Error("training_failed", why, null),
                null);
        events.add(entry.error(why));
      }
      case CANCELLED -> {
        next = next.ended(JobState.CANCELLED, entry.at(), null, null);
        events.add(entry.info("Training stopped: " + job.message()));
      }
    }
    JobCheckpoint checkpoint = null;
    if (job.step() != null
        && job.checkpointKey() != null
        && (next.checkpointStep() == null || job.step() > next.checkpointStep())) {
      checkpoint = checkpoint(request, next, job, entry.at());
      next = next.withCheckpoint(job.step());
    }
    String cancel = cancelled && !job.state().isTerminal() ? job.jobId() : null;
    return new Outcome(next, events, checkpoint, cancel);
  }

  private static Outcome progress(
      JobState state, boolean cancelled, TrainingProgress progress, Entry entry) {
    Map<String, Double> metrics = new LinkedHashMap<>();
    metrics.put("step", (double) progress.step());
    metrics.put("train_loss", progress.trainLoss());
    if (progress.valLoss() != null) {
      metrics.put("valid_loss", progress.valLoss());
    }
    Map<String, Object> data = new LinkedHashMap<>(metrics);
    data.put("step", progress.step());
    data.put("total_steps", progress.totalSteps());
    data.put("epoch", progress.epoch());
    data.put("learning_rate", progress.learningRate());
    data.put("tokens_per_second", progress.tokensPerSecond());
    String message =
        "Step "
            + progress.step()
            + "/"
            + progress.totalSteps()
            + ": training loss="
            + figure(progress.trainLoss())
            + (progress.valLoss() == null ? "" : ", validation loss=" + figure(progress.valLoss()));
    return new Outcome(
        state.withMetrics(metrics).advancedTo(JobState.RUNNING),
        List.of(JobEvent.metrics(entry.id(), entry.at(), message, data)),
        null,
        cancelled ? progress.jobId() : null);
  }

  private static Outcome evaluated(
      JobState state, EvaluationCompleted verdict, String resultFile, Entry entry) {
    Boolean promoted =
        !verdict.passed()
            ? Boolean.FALSE
            : state.verdict() == null ? null : state.verdict().promoted();
    List<String> files = new ArrayList<>(state.resultFiles());
    if (resultFile != null && !files.contains(resultFile)) {
      files.add(resultFile);
    }
    JobState next =
        state
            .withModel(ModelKeys.servedName(verdict.domain(), verdict.modelVersion()))
            .withVerdict(
                new JobState.Verdict(
                    verdict.passed(), verdict.reasons(), verdict.productionVersion(), promoted),
                files)
            .ended(JobState.SUCCEEDED, entry.at(), null, null);
    return only(
        next,
        entry.info(
            "Evaluated: "
                + (verdict.passed() ? "passed the gate" : "did not pass the gate")
                + (verdict.productionVersion() == null
                    ? ""
                    : " against production " + verdict.productionVersion())
                + (verdict.reasons().isEmpty()
                    ? ""
                    : ": " + String.join("; ", verdict.reasons()))));
  }

  private static Outcome promoted(JobState state, ModelPromoted promotion, Entry entry) {
    JobState.Verdict was = state.verdict();
    JobState.Verdict verdict =
        was == null
            ? new JobState.Verdict(true, List.of(), promotion.previousVersion(), true)
            : new JobState.Verdict(was.passed(), was.reasons(), was.comparedWith(), true);
    return only(
        state.withVerdict(verdict, state.resultFiles()),
        entry.info(
            ModelKeys.servedName(promotion.domain(), promotion.modelVersion())
                + " is now production"
                + (promotion.previousVersion() == null
                    ? ""
                    : " (was " + promotion.previousVersion() + ")")));
  }

  private static JobCheckpoint checkpoint(
      JobRequest request, JobState state, TrainingJobEvent job, long at) {
    Map<String, Double> metrics = new LinkedHashMap<>(state.latestMetrics());
    metrics.put("step", job.step().doubleValue());
    return new JobCheckpoint(
        JobIds.CHECKPOINT
            + "-"
            + request.id().substring(JobIds.JOB.length() + 1)
            + "-"
            + job.step(),
        JobCheckpoint.OBJECT,
        at,
        ModelKeys.servedName(request.domain(), ModelKeys.versionName(job.datasetVersion()))
            + ":ckpt-step-"
            + job.step(),
        request.id(),
        metrics,
        job.step(),
        job.checkpointKey());
  }

  private static String line(IngestRejected.LineError error) {
    return (error.line() == null ? "" : "line " + error.line() + ", ")
        + (error.field() == null ? "" : error.field() + ": ")
        + error.message();
  }

  private static String figure(double value) {
    return String.format(java.util.Locale.ROOT, "%.4f", value);
  }
}
