package dev.cft.lm.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.cft.lm.Gpt;
import dev.cft.lm.data.Batch;
import dev.cft.lm.data.Packer;
import dev.cft.lm.eval.Evaluator;
import dev.cft.lm.tokenizer.TextTokenizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Fine-tunes a model in place: {@code TrainingResult train(TrainingRequest)}.
 *
 * <p>Deterministic for a seed: the data order of epoch e is a shuffle seeded by (seed, e) and the
 * dropout masks of a micro-batch by (seed, its index), so a run resumed from a checkpoint at step k
 * takes exactly the steps the uninterrupted run would have taken. A checkpoint holds the model (HF
 * layout), the AdamW moments ({@value #STATE_TENSORS}) and the counters ({@value #STATE_JSON}). A
 * LoRA run's checkpoint holds its adapters ({@value #ADAPTER_TENSORS}) instead of the model: resume
 * it on the same base, with the same adapter settings.
 */
public final class FineTuner {
  public static final String STATE_TENSORS = "training_state.safetensors";
  public static final String STATE_JSON = "training_state.json";

  /** The trainable weights of the best validation so far, when a later step is checkpointed. */
  public static final String BEST_TENSORS = "best_weights.safetensors";

  /** LoRA adapters of a checkpoint taken while they train. */
  public static final String ADAPTER_TENSORS = "adapter_model.safetensors";

  private final Gpt model;
  private final TextTokenizer tokenizer;
  private final TrainingCheckpoints checkpoints;

  public FineTuner(Gpt model, TextTokenizer tokenizer) {
    this.model = model;
    this.tokenizer = tokenizer;
    this.checkpoints = new TrainingCheckpoints(model, tokenizer);
  }

  /** Counters a checkpoint keeps besides weights and moments. */
  record State(long step, long seed, double bestValidationLoss, long bestStep, int badValidations) {
    State after(long steps) {
      return new State(steps, seed, bestValidationLoss, bestStep, badValidations);
    }

    boolean improvedBy(double validationLoss) {
      return Double.isNaN(bestValidationLoss) || validationLoss < bestValidationLoss;
    }

    /** The counters once a validation after {@code steps} measured {@code validationLoss}. */
    State validated(long steps, double validationLoss) {
      return improvedBy(validationLoss)
          ? new State(steps, seed, validationLoss, steps, 0)
          : new State(steps, seed, bestValidationLoss, bestStep, badValidations + 1);
    }
  }

  public TrainingResult train(TrainingRequest request) {
    return train(request, TrainingListener.NONE);
  }

  public TrainingResult train(TrainingRequest request, TrainingListener listener) {
    int context = Math.min(request.contextLength(), model.config().nPositions());
    EpochRows train =
        new EpochRows(
            new Packer(tokenizer, context), request.packing(), request.train(), request.seed());
    List<Packer.Sequence> validation =
        request.validation().isEmpty()
            ? List.of()
            : Evaluator.sequences(tokenizer, model, request.validation());
    Plan plan = new Plan(train.size(), request);

    Map<String, NDArray> weights = model.trainable();
    weights.values().forEach(w -> w.setRequiresGradient(true));
    Gpt trained = request.dropout() == null ? model : model.withDropout(request.dropout());
    Evaluator evaluator = new Evaluator(model, tokenizer, request.batchSize());
    LearningRateSchedule schedule =
        new LearningRateSchedule(
            request.learningRate(),
            Math.round(plan.totalSteps * request.warmupRatio()),
            plan.totalSteps,
            request.minLearningRateRatio());

    try (AdamW optimizer =
            new AdamW(
                new AdamW.Settings(0.9, 0.95, 1e-8, request.weightDecay(), request.maxGradNorm()),
                model.manager());
        NDManager best = model.manager().newSubManager()) {
      State state = new State(0, request.seed(), Double.NaN, 0, 0);
      Map<String, NDArray> bestWeights = null;
      if (request.resumeFrom() != null) {
        state = checkpoints.resume(request.resumeFrom(), optimizer);
        bestWeights = TrainingCheckpoints.readBest(request.resumeFrom(), best);
      }
      long resumedFrom = state.step();
      List<Double> losses = new ArrayList<>();
      boolean stoppedEarly = false;
      long tokens = 0;
      long started = System.nanoTime();
      for (long step = state.step(); step < plan.totalSteps; step++) {
        double lr = schedule.at(step);
        StepOutcome outcome = step(trained, plan, train, step, request.seed(), optimizer, lr);
        losses.add(outcome.loss);
        tokens += outcome.tokens;
        double seconds = (System.nanoTime() - started) / 1e9;
        listener.onStep(
            new TrainingListener.Step(
                step + 1,
                plan.totalSteps,
                plan.epochOf(step),
                outcome.loss,
                lr,
                outcome.gradNorm,
                tokens / seconds));
        boolean lastStep = step + 1 == plan.totalSteps;
        if (!validation.isEmpty() && (plan.validatesAfter(step, request.evalEvery()) || lastStep)) {
          double valLoss = evaluator.tokenMetrics(validation, request.validation().size()).loss();
          boolean improved = state.improvedBy(valLoss);
          state = state.validated(step + 1, valLoss);
          if (improved) {
            bestWeights = checkpoints.snapshot(best, bestWeights);
          }
          listener.onValidation(step + 1, valLoss, improved);
          if (request.patience() > 0 && state.badValidations() >= request.patience()) {
            stoppedEarly = true;
          }
        }
        state = state.after(step + 1);
        boolean stop = request.checkpointEvery() > 0 && !lastStep && listener.stopRequested();
        if (request.checkpointEvery() > 0
            && ((step + 1) % request.checkpointEvery() == 0 || lastStep || stop)) {
          Path dir = request.checkpointDir().resolve("step-" + (step + 1));
          checkpoints.save(dir, optimizer, state, bestWeights);
          listener.onCheckpoint(step + 1, dir);
        }
        if (stop) {
          throw new TrainingStopped(step + 1);
        }
        if (stoppedEarly) {
          break;
        }
      }
      if (bestWeights != null && state.bestStep() != state.step()) {
        TrainingCheckpoints.copyValues(bestWeights, model.trainable());
      }
      weights.values().forEach(w -> w.setRequiresGradient(false));
      double seconds = (System.nanoTime() - started) / 1e9;
      return new TrainingResult(
          state.step(),
          plan.totalSteps,
          losses,
          state.bestValidationLoss(),
          state.bestStep(),
          stoppedEarly,
          resumedFrom,
          tokens,
          train.truncated(),
          seconds > 0 ? tokens / seconds : 0);
    }
  }

  private record StepOutcome(double loss, double gradNorm, long tokens) {}

  /** One optimizer step: forward and backward over its micro-batches, then AdamW. */
  private StepOutcome step(
      Gpt trained, Plan plan, EpochRows rows, long step, long seed, AdamW optimizer, double lr) {
    List<List<Packer.Sequence>> micro = plan.microBatches(rows.of(plan.epochOf(step)), step);
    float stepTokens = 0;
    for (List<Packer.Sequence> batch : micro) {
      for (Packer.Sequence s : batch) {
        stepTokens += s.trainedTokens();
      }
    }
    double lossSum = 0;
    long inputTokens = 0;
    try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
      for (int i = 0; i < micro.size(); i++) {
        // Dropout masks are a function of (seed, micro-batch): resumed runs draw the same ones.
        Engine.getInstance().setRandomSeed((int) (seed * 1_000_003L + step * 1_009L + i));
        try (NDManager scope = model.manager().newSubManager()) {
          Batch batch = Batch.of(micro.get(i), scope);
          NDArray logits = batch.logits(trained, true); // (B,T,V)
          NDArray summed = batch.tokenLosses(logits).mul(batch.weight()).sum(); // ()
          // Normalised by the whole step's trained tokens: micro-batches add up to the step's mean.
          // A native scalar: autograd keeps it for the backward pass (see Gpt.constant).
          collector.backward(summed.mul(scope.full(new Shape(), 1f / Math.max(1f, stepTokens))));
          lossSum += summed.getFloat();
          inputTokens += batch.input().size();
        }
      }
    }
    double gradNorm = optimizer.step(model.trainable(), lr, 1.0);
    double loss = lossSum / Math.max(1f, stepTokens);
    if (!Double.isFinite(loss)) {
      throw new IllegalStateException(
          "loss became " + loss + " at step " + (step + 1) + ": lower the learning rate");
    }
    return new StepOutcome(loss, gradNorm, inputTokens);
  }

  /** The optimizer steps of one pass over {@code rows} rows. */
  public static long stepsPerEpoch(int rows, int batchSize, int accumulation) {
    long microBatches = Math.max(1, (rows + batchSize - 1) / batchSize);
    return (microBatches + accumulation - 1) / accumulation;
  }

  /** Which rows each step sees: the epoch's rows in order, cut into (micro-)batches. */
  private static final class Plan {
    final int sequences;
    final int batchSize;
    final int accumulation;
    final long microPerEpoch;
    final long stepsPerEpoch;
    final long totalSteps;

    Plan(int sequences, TrainingRequest request) {
      this.sequences = sequences;
      this.batchSize = request.batchSize();
      this.accumulation = request.gradientAccumulation();
      this.microPerEpoch = (sequences + batchSize - 1) / batchSize;
      this.stepsPerEpoch = stepsPerEpoch(sequences, batchSize, accumulation);
      long all = stepsPerEpoch * request.epochs();
      this.totalSteps = request.maxSteps() > 0 ? Math.min(all, request.maxSteps()) : all;
    }

    int epochOf(long step) {
      return (int) (step / stepsPerEpoch);
    }

    boolean validatesAfter(long step, int every) {
      return every > 0 ? (step + 1) % every == 0 : (step + 1) % stepsPerEpoch == 0;
    }

    List<List<Packer.Sequence>> microBatches(List<Packer.Sequence> epochRows, long step) {
      long firstMicro = (step % stepsPerEpoch) * accumulation;
      List<List<Packer.Sequence>> batches = new ArrayList<>();
      for (long m = firstMicro; m < Math.min(firstMicro + accumulation, microPerEpoch); m++) {
        int from = (int) (m * batchSize);
        batches.add(epochRows.subList(from, Math.min(from + batchSize, sequences)));
      }
      return batches;
    }
  }
}
