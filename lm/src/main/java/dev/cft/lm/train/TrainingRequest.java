package dev.cft.lm.train;

import dev.cft.lm.data.Example;
import dev.cft.lm.data.Packing;
import java.nio.file.Path;
import java.util.List;

/**
 * One fine-tuning run.
 *
 * @param maxSteps stop after this many optimizer steps (0: run all epochs)
 * @param contextLength tokens per packed sequence (at most the model's n_positions)
 * @param packing how examples become rows ({@link Packing#WRAPPED} unless set)
 * @param dropout overrides the model's dropout for this run; null keeps the config's
 * @param evalEvery validate every this many steps (0: at the end of each epoch)
 * @param patience stop after this many validations without improvement (0: never)
 * @param checkpointEvery save a checkpoint every this many steps into {@code checkpointDir} (0:
 *     never)
 * @param resumeFrom a checkpoint directory written by a run of the same request to continue from
 */
public record TrainingRequest(
    List<Example> train,
    List<Example> validation,
    int epochs,
    long maxSteps,
    int batchSize,
    int gradientAccumulation,
    int contextLength,
    Packing packing,
    double learningRate,
    double warmupRatio,
    double minLearningRateRatio,
    double weightDecay,
    double maxGradNorm,
    Double dropout,
    long seed,
    int evalEvery,
    int patience,
    int checkpointEvery,
    Path checkpointDir,
    Path resumeFrom) {
  public TrainingRequest {
    if (train == null || train.isEmpty()) {
      throw new IllegalArgumentException("no training examples");
    }
    validation = validation == null ? List.of() : List.copyOf(validation);
    packing = packing == null ? Packing.WRAPPED : packing;
    train = List.copyOf(train);
    if (epochs < 1 || batchSize < 1 || gradientAccumulation < 1 || contextLength < 2) {
      throw new IllegalArgumentException(
          "epochs, batch size and gradient accumulation must be ≥ 1 and the context ≥ 2");
    }
    if (checkpointEvery > 0 && checkpointDir == null) {
      throw new IllegalArgumentException("checkpointEvery needs a checkpointDir");
    }
  }

  public static Builder builder(List<Example> train, int contextLength) {
    return new Builder(train, contextLength);
  }

  public Builder toBuilder() {
    Builder b = new Builder(train, contextLength);
    b.packing = packing;
    b.validation = validation;
    b.epochs = epochs;
    b.maxSteps = maxSteps;
    b.batchSize = batchSize;
    b.gradientAccumulation = gradientAccumulation;
    b.learningRate = learningRate;
    b.warmupRatio = warmupRatio;
    b.minLearningRateRatio = minLearningRateRatio;
    b.weightDecay = weightDecay;
    b.maxGradNorm = maxGradNorm;
    b.dropout = dropout;
    b.seed = seed;
    b.evalEvery = evalEvery;
    b.patience = patience;
    b.checkpointEvery = checkpointEvery;
    b.checkpointDir = checkpointDir;
    b.resumeFrom = resumeFrom;
    return b;
  }

  /** Defaults: 3 epochs, batch 8, AdamW 3e-4, warm-up 5 %, cosine to 10 %, decay 0.01, clip 1. */
  public static final class Builder {
    private final List<Example> train;
    private final int contextLength;
    private List<Example> validation = List.of();
    private Packing packing = Packing.WRAPPED;
    private int epochs = 3;
    private long maxSteps;
    private int batchSize = 8;
    private int gradientAccumulation = 1;
    private double learningRate = 3e-4;
    private double warmupRatio = 0.05;
    private double minLearningRateRatio = 0.1;
    private double weightDecay = 0.01;
    private double maxGradNorm = 1.0;
    private Double dropout;
    private long seed = 42;
    private int evalEvery;
    private int patience;
    private int checkpointEvery;
    private Path checkpointDir;
    private Path resumeFrom;

    private Builder(List<Example> train, int contextLength) {
      this.train = train;
      this.contextLength = contextLength;
    }

    public Builder validation(List<Example> value) {
      validation = value;
      return this;
    }

    public Builder packing(Packing value) {
      packing = value;
      return this;
    }

    public Builder epochs(int value) {
      epochs = value;
      return this;
    }

    public Builder maxSteps(long value) {
      maxSteps = value;
      return this;
    }

    public Builder batch(int size, int accumulation) {
      batchSize = size;
      gradientAccumulation = accumulation;
      return this;
    }

    public Builder learningRate(double peak, double warmup, double minRatio) {
      learningRate = peak;
      warmupRatio = warmup;
      minLearningRateRatio = minRatio;
      return this;
    }

    public Builder regularization(double decay, double clipNorm, Double dropoutValue) {
      weightDecay = decay;
      maxGradNorm = clipNorm;
      dropout = dropoutValue;
      return this;
    }

    public Builder seed(long value) {
      seed = value;
      return this;
    }

    public Builder validateEvery(int steps, int patienceValue) {
      evalEvery = steps;
      patience = patienceValue;
      return this;
    }

    public Builder checkpoints(int every, Path dir) {
      checkpointEvery = every;
      checkpointDir = dir;
      return this;
    }

    public Builder resumeFrom(Path checkpoint) {
      resumeFrom = checkpoint;
      return this;
    }

    public TrainingRequest build() {
      return new TrainingRequest(
          train,
          validation,
          epochs,
          maxSteps,
          batchSize,
          gradientAccumulation,
          contextLength,
          packing,
          learningRate,
          warmupRatio,
          minLearningRateRatio,
          weightDecay,
          maxGradNorm,
          dropout,
          seed,
          evalEvery,
          patience,
          checkpointEvery,
          checkpointDir,
          resumeFrom);
    }
  }
}
