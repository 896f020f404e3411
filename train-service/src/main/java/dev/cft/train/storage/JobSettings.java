package dev.cft.train.storage;

import dev.cft.train.config.TrainConfig;

/**
 * The training settings a job was accepted with; a worker that resumes it uses these, not its own.
 */
public record JobSettings(
    String baseModel,
    int epochs,
    long maxSteps,
    double learningRate,
    int batchSize,
    int contextLength,
    double dropout,
    int checkpointEvery,
    double replayRatio,
    long seed,
    int minStepsFromScratch) {

  public static JobSettings of(TrainConfig config) {
    return new JobSettings(
        config.baseModel(),
        config.epochs(),
        config.maxSteps(),
        config.learningRate(),
        config.batchSize(),
        config.contextLength(),
        config.dropout(),
        config.checkpointEvery(),
        config.replayRatio(),
        config.seed(),
        config.minStepsFromScratch());
  }
}
