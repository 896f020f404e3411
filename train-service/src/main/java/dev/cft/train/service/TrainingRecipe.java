package dev.cft.train.service;

import dev.cft.lm.GptConfig;
import dev.cft.lm.Lora;
import dev.cft.lm.data.Example;
import dev.cft.lm.data.Packer;
import dev.cft.lm.tokenizer.TextTokenizer;
import dev.cft.lm.train.FineTuner;
import dev.cft.lm.train.TrainingRequest;
import dev.cft.train.storage.JobSettings;
import dev.cft.train.storage.Recipe;
import java.nio.file.Path;
import java.util.List;

/**
 * Settles a job's auto settings for what it starts from and the data it trains on, and turns the
 * result into the {@link TrainingRequest} the model core runs. A pure function of its inputs: a
 * resumed job settles to the same values.
 */
public final class TrainingRecipe {
  /** nanoGPT's rate for small models trained from scratch; 3e-4 leaves them half-trained. */
  static final double SCRATCH_LEARNING_RATE = 1e-3;

  static final double FULL_FINE_TUNING_LEARNING_RATE = 3e-4;

  /** Adapters start at zero and carry a fraction of the weights: a higher rate than full. */
  static final double LORA_LEARNING_RATE = 5e-4;

  /** Validations over a run when {@code evalEvery} is auto. */
  static final int VALIDATIONS_PER_RUN = 20;

  private TrainingRecipe() {}

  /**
   * The settings with every auto value replaced by the one this job uses, the learning rate scaled
   * by the multiplier.
   *
   * @param base the configuration of the model the job starts from
   * @param fromScratch whether that model is freshly initialised
   * @throws IllegalArgumentException for LoRA on a model trained from scratch
   */
  public static JobSettings settle(
      JobSettings requested,
      GptConfig base,
      boolean fromScratch,
      TextTokenizer tokenizer,
      List<Example> train) {
    if (train.isEmpty()) {
      throw new IllegalArgumentException("the dataset version has no training examples");
    }
    Recipe recipe = requested.recipe();
    if (recipe == Recipe.AUTO) {
      recipe =
          !fromScratch && base.parameterCount() >= requested.loraFromParameters()
              ? Recipe.LORA
              : Recipe.FULL;
    }
    if (recipe == Recipe.LORA && fromScratch) {
      throw new IllegalArgumentException(
          "recipe lora needs a pretrained base: a model trained from scratch trains every weight");
    }
    double learningRate = requested.learningRate();
    if (learningRate == 0) {
      learningRate =
          fromScratch
              ? SCRATCH_LEARNING_RATE
              : recipe == Recipe.LORA ? LORA_LEARNING_RATE : FULL_FINE_TUNING_LEARNING_RATE;
    }
    learningRate *= requested.learningRateMultiplier();
    if (learningRate >= 1) {
      throw new IllegalArgumentException(
          "learningRate × learningRateMultiplier must be below 1, not " + learningRate);
    }
    int context = Math.min(requested.contextLength(), base.nPositions());
    long stepsPerEpoch =
        FineTuner.stepsPerEpoch(
            new Packer(tokenizer, context).rows(train, requested.packing()),
            requested.batchSize(),
            requested.gradientAccumulation());
    int epochs = requested.epochs() > 0 ? requested.epochs() : autoEpochs(train.size());
    if (requested.epochs() == 0 && fromScratch && requested.minStepsFromScratch() > 0) {
      epochs =
          (int)
              Math.max(
                  epochs, (requested.minStepsFromScratch() + stepsPerEpoch - 1) / stepsPerEpoch);
    }
    long steps = stepsPerEpoch * epochs;
    if (requested.maxSteps() > 0) {
      steps = Math.min(steps, requested.maxSteps());
    }
    int evalEvery =
        requested.evalEvery() > 0
            ? requested.evalEvery()
            : (int) Math.max(1, (steps + VALIDATIONS_PER_RUN - 1) / VALIDATIONS_PER_RUN);
    return requested.settled(recipe, epochs, learningRate, evalEvery);
  }

  /**
   * OpenAI's rule: 3 epochs, more for small sets (at least ~100 examples seen, at most 25 epochs),
   * fewer for large ones (at most ~25,000 examples seen).
   */
  static int autoEpochs(int examples) {
    if (examples * 3L < 100) {
      return Math.min(25, (100 + examples - 1) / examples);
    }
    if (examples * 3L > 25_000) {
      return Math.max(1, 25_000 / examples);
    }
    return 3;
  }

  /** The adapters of settled {@code settings}, or null when every weight trains. */
  public static Lora.Config lora(JobSettings settings) {
    return settings.recipe() == Recipe.LORA
        ? new Lora.Config(
            settings.loraRank(),
            settings.loraAlpha(),
            settings.loraDropout(),
            Lora.projections(settings.loraTargets()))
        : null;
  }

  /** The run of settled {@code settings} on these examples. */
  public static TrainingRequest request(
      JobSettings settings,
      List<Example> train,
      List<Example> validation,
      Path checkpoints,
      Path resumeFrom) {
    TrainingRequest.Builder builder =
        TrainingRequest.builder(train, settings.contextLength())
            .packing(settings.packing())
            .validation(validation)
            .epochs(settings.epochs())
            .maxSteps(settings.maxSteps())
            .batch(settings.batchSize(), settings.gradientAccumulation())
            .learningRate(settings.learningRate(), settings.warmupRatio(), 0.1)
            .regularization(
                settings.weightDecay(),
                settings.clipNorm() > 0 ? settings.clipNorm() : Double.POSITIVE_INFINITY,
                settings.dropout())
            .seed(settings.seed())
            .validateEvery(settings.evalEvery(), settings.patience())
            .checkpoints(settings.checkpointEvery(), checkpoints);
    return resumeFrom == null ? builder.build() : builder.resumeFrom(resumeFrom).build();
  }
}
