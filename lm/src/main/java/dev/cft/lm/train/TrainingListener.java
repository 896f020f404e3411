package dev.cft.lm.train;

import java.nio.file.Path;

/** Hears a run's progress: the CLI draws a progress bar from it, services publish events. */
public interface TrainingListener {
  /**
   * @param loss mean token loss of this step's batch
   */
  record Step(
      long step,
      long totalSteps,
      int epoch,
      double loss,
      double learningRate,
      double gradNorm,
      double tokensPerSecond) {}

  default void onStep(Step step) {}

  default void onValidation(long step, double validationLoss, boolean improved) {}

  default void onCheckpoint(long step, Path dir) {}

  /**
   * Asked after each step: true ends the run with a checkpoint of that step and {@link
   * TrainingStopped} (a worker shutting down hands its job over without losing steps). Only runs
   * that checkpoint can stop.
   */
  default boolean stopRequested() {
    return false;
  }

  TrainingListener NONE = new TrainingListener() {};
}
