package dev.cft.train.service;

import dev.cft.events.Buckets;
import dev.cft.events.DatasetReady;
import dev.cft.events.EventIds;
import dev.cft.events.TrainingProgress;
import dev.cft.events.documents.JobRecord;
import dev.cft.lm.train.TrainingListener;
import dev.cft.runtime.store.ObjectStore;
import dev.cft.train.config.TrainConfig;
import dev.cft.train.messaging.JobEvents;
import dev.cft.train.metrics.TrainMetrics;
import dev.cft.train.storage.OwnedJobs;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.file.Path;
import java.time.Instant;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * What a running job does as it trains: its progress published every {@code progressEvery} steps,
 * its gauges and timings, each checkpoint uploaded and recorded, a cancellation honoured after the
 * current step, and the worker's stop asked for.
 */
@ApplicationScoped
public class JobListeners {
  private final ObjectStore store;
  private final TrainConfig config;
  private final JobEvents events;
  private final OwnedJobs owned;
  private final TrainMetrics metrics;
  private final Cancellations cancellations;

  public JobListeners(
      ObjectStore store,
      TrainConfig config,
      JobEvents events,
      OwnedJobs owned,
      TrainMetrics metrics,
      Cancellations cancellations) {
    this.store = store;
    this.config = config;
    this.events = events;
    this.owned = owned;
    this.metrics = metrics;
    this.cancellations = cancellations;
  }

  /**
   * @param stopRequested whether the worker is stopping (the run then checkpoints and hands over)
   * @param checkpointed told the job's record once a checkpoint is recorded in it
   */
  public TrainingListener of(
      JobRecord record, BooleanSupplier stopRequested, Consumer<JobRecord> checkpointed) {
    DatasetReady ready = record.dataset();
    String jobId = record.jobId();
    TrainMetrics.JobGauges gauges = metrics.job(ready.domain(), jobId);
    return new TrainingListener() {
      Double lastVal;
      long lastStepAt;

      @Override
      public void onStep(Step step) {
        long now = System.nanoTime();
        if (lastStepAt != 0) {
          metrics.step(ready.domain(), java.time.Duration.ofNanos(now - lastStepAt));
        }
        lastStepAt = now;
        gauges.step(step.step(), step.totalSteps(), step.loss(), step.tokensPerSecond());
        if (step.step() % config.progressEvery() == 0 || step.step() == step.totalSteps()) {
          events.progress(
              new TrainingProgress(
                  EventIds.random(),
                  ready.correlationId(),
                  ready.domain(),
                  Instant.now(),
                  jobId,
                  step.step(),
                  step.totalSteps(),
                  step.epoch(),
                  step.loss(),
                  lastVal,
                  step.tokensPerSecond(),
                  step.learningRate()));
          lastVal = null;
        }
        // Cancelled: the run ends after this step, without the checkpoint a hand-over writes.
        cancellations.check(jobId);
        if (!owned.owns(jobId)) {
          throw new JobTakenOver(jobId); // found by the heartbeat or the last checkpoint
        }
      }

      @Override
      public boolean stopRequested() {
        return stopRequested.getAsBoolean();
      }

      @Override
      public void onValidation(long step, double validationLoss, boolean improved) {
        lastVal = validationLoss;
        gauges.validation(validationLoss);
        lastStepAt = 0; // nor is a validation
      }

      @Override
      public void onCheckpoint(long step, Path dir) {
        String key = jobId + "/step-" + step + "/";
        long start = System.nanoTime();
        store.uploadDirectory(dir, Buckets.CHECKPOINTS, key);
        metrics.checkpoint(ready.domain(), java.time.Duration.ofNanos(System.nanoTime() - start));
        lastStepAt = 0; // the upload is no step's time
        JobRecord updated = owned.update(jobId, r -> r.checkpoint(step, key, Instant.now()));
        if (updated != null) {
          checkpointed.accept(updated);
        }
      }
    };
  }
}
