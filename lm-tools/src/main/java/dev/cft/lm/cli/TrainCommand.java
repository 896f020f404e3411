package dev.cft.lm.cli;

import ai.djl.ndarray.NDManager;
import dev.cft.lm.Gpt;
import dev.cft.lm.GptConfig;
import dev.cft.lm.Lora;
import dev.cft.lm.data.DataFiles;
import dev.cft.lm.data.Example;
import dev.cft.lm.data.Packing;
import dev.cft.lm.io.Checkpoint;
import dev.cft.lm.tokenizer.ByteTokenizer;
import dev.cft.lm.tokenizer.TextTokenizer;
import dev.cft.lm.train.FineTuner;
import dev.cft.lm.train.TrainingRequest;
import dev.cft.lm.train.TrainingResult;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "train",
    description = {
      "Fine-tunes a model (or trains a preset from scratch) and saves it to --out.",
      "Progress on stderr; a JSON summary on stdout.",
      "Data: .jsonl (chat \"messages\", \"prompt\"/\"completion\" or \"text\" lines) or .txt"
          + " (one example per paragraph), optionally .gz."
    })
final class TrainCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--data", required = true, paramLabel = "FILE", description = "Training data.")
  Path data;

  @Option(names = "--val", paramLabel = "FILE", description = "Validation data (best model kept).")
  Path validation;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Where to save.")
  Path out;

  @ArgGroup(exclusive = true)
  Start start = new Start();

  static final class Start {
    @Option(names = "--from", paramLabel = "DIR", description = "Model directory to fine-tune.")
    Path from;

    @Option(
        names = "--preset",
        paramLabel = "NAME",
        description = "Train from scratch: tiny (default) or gpt2.")
    String preset = "tiny";
  }

  @Option(
      names = "--tokenizer",
      paramLabel = "DIR",
      description = "With --preset: the tokenizer of this directory (default: bytes).")
  Path tokenizerDir;

  @Option(
      names = "--epochs",
      defaultValue = "3",
      paramLabel = "N",
      description = "Default: ${DEFAULT-VALUE}.")
  int epochs;

  @Option(
      names = "--max-steps",
      defaultValue = "0",
      paramLabel = "N",
      description = "Stop after N optimizer steps (0: all epochs).")
  long maxSteps;

  @Option(
      names = "--batch",
      defaultValue = "8",
      paramLabel = "B",
      description = "Sequences per micro-batch. Default: ${DEFAULT-VALUE}.")
  int batch;

  @Option(
      names = "--accumulation",
      defaultValue = "1",
      paramLabel = "K",
      description = "Micro-batches per optimizer step. Default: ${DEFAULT-VALUE}.")
  int accumulation;

  @Option(
      names = "--lr",
      defaultValue = "3e-4",
      paramLabel = "X",
      description =
          "Peak learning rate (5 %% warm-up, cosine to 10 %%). Default: ${DEFAULT-VALUE}.")
  double learningRate;

  @Option(
      names = "--context",
      paramLabel = "T",
      description = "Tokens per training sequence (default: the model's n_positions).")
  Integer context;

  @Option(
      names = "--packing",
      defaultValue = "wrapped",
      paramLabel = "MODE",
      converter = PackingConverter.class,
      description =
          "wrapped (examples back to back after an EOS, cut into rows, running positions) or"
              + " block-diagonal (whole examples, positions restarting at each). Default:"
              + " ${DEFAULT-VALUE}.")
  Packing packing;

  static final class PackingConverter implements picocli.CommandLine.ITypeConverter<Packing> {
    @Override
    public Packing convert(String value) {
      return Packing.of(value);
    }
  }

  @Option(
      names = "--dropout",
      paramLabel = "P",
      description = "Dropout for this run (default: the model's config).")
  Double dropout;

  @Option(
      names = "--seed",
      defaultValue = "42",
      paramLabel = "S",
      description = "Default: ${DEFAULT-VALUE}.")
  long seed;

  @Option(
      names = "--checkpoint-every",
      defaultValue = "0",
      paramLabel = "N",
      description = "Save a resumable checkpoint every N steps into OUT-checkpoints/step-N.")
  int checkpointEvery;

  @Option(
      names = "--resume",
      paramLabel = "DIR",
      description = "Continue from such a checkpoint (give the run's other options again).")
  Path resume;

  @Option(
      names = "--patience",
      defaultValue = "0",
      paramLabel = "N",
      description = "With --val: stop after N epochs without a better validation loss.")
  int patience;

  @Option(
      names = "--lora-rank",
      defaultValue = "0",
      paramLabel = "R",
      description =
          "Train LoRA adapters of this rank on the attention and MLP projections instead of every"
              + " weight; they are merged into the saved model (0: full fine-tuning).")
  int loraRank;

  @Option(
      names = "--lora-alpha",
      defaultValue = "16",
      paramLabel = "A",
      description = "LoRA scale numerator (update = A·B·alpha/rank). Default: ${DEFAULT-VALUE}.")
  double loraAlpha;

  @Option(
      names = "--lora-dropout",
      defaultValue = "0.05",
      paramLabel = "P",
      description = "Dropout on the adapters' input. Default: ${DEFAULT-VALUE}.")
  double loraDropout;

  @Override
  public Integer call() throws IOException {
    PrintWriter err = spec.commandLine().getErr();
    List<Example> train = DataFiles.read(data);
    List<Example> val = validation == null ? List.of() : DataFiles.read(validation);
    try (NDManager root = NDManager.newBaseManager();
        LoadedModel loaded =
            start.from != null ? LoadedModel.load(start.from, root) : fresh(root)) {
      Gpt model = loaded.model();
      GptConfig config = model.config();
      TrainingRequest request = request(train, val, config);
      err.printf(
          Locale.ROOT,
          "training %,d parameters (n_embd %d, %d layers, context %d) on %d examples%s%n",
          config.parameterCount(),
          config.nEmbd(),
          config.nLayer(),
          request.contextLength(),
          train.size(),
          val.isEmpty() ? "" : ", validating on " + val.size());
      ProgressBar progress = ProgressBar.forStderr(err);
      long started = System.nanoTime();
      if (loraRank > 0) {
        model.addLora(Lora.Config.allProjections(loraRank, loraAlpha, loraDropout), seed);
      }
      TrainingResult result = new FineTuner(model, loaded.tokenizer()).train(request, progress);
      progress.finish();
      model.mergeLora();
      Checkpoint.save(model, loaded.tokenizer(), out);
      err.println("saved to " + out);
      spec.commandLine().getOut().println(Json.line(summary(result, config, train, val, started)));
      spec.commandLine().getOut().flush();
    }
    return 0;
  }

  /** A preset initialised from the seed, with the byte tokenizer unless one is given. */
  private LoadedModel fresh(NDManager root) throws IOException {
    TextTokenizer tokenizer =
        tokenizerDir == null ? new ByteTokenizer() : TextTokenizer.load(tokenizerDir);
    GptConfig config = GptConfig.preset(start.preset, tokenizer.vocabSize());
    if (config.vocabSize() < tokenizer.vocabSize()) {
      tokenizer.close();
      throw new IllegalArgumentException(
          "preset "
              + start.preset
              + " has "
              + config.vocabSize()
              + " token ids, the tokenizer needs "
              + tokenizer.vocabSize());
    }
    return new LoadedModel(Gpt.initialize(config, root, seed), tokenizer);
  }

  private TrainingRequest request(List<Example> train, List<Example> val, GptConfig config) {
    int contextLength = context == null ? config.nPositions() : context;
    if (contextLength > config.nPositions()) {
      throw new IllegalArgumentException(
          "--context " + contextLength + " exceeds the model's n_positions " + config.nPositions());
    }
    return TrainingRequest.builder(train, contextLength)
        .packing(packing)
        .validation(val)
        .epochs(epochs)
        .maxSteps(maxSteps)
        .batch(batch, accumulation)
        .learningRate(learningRate, 0.05, 0.1)
        .regularization(0.01, 1.0, dropout)
        .seed(seed)
        .validateEvery(0, patience)
        .checkpoints(checkpointEvery, out.resolveSibling(out.getFileName() + "-checkpoints"))
        .resumeFrom(resume)
        .build();
  }

  private Map<String, Object> summary(
      TrainingResult result,
      GptConfig config,
      List<Example> train,
      List<Example> val,
      long started) {
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("out", out.toString());
    summary.put("steps", result.steps());
    summary.put("total_steps", result.totalSteps());
    summary.put("final_loss", result.finalLoss());
    summary.put("best_validation_loss", result.bestValidationLoss());
    summary.put("best_step", result.bestStep());
    summary.put("stopped_early", result.stoppedEarly());
    summary.put("resumed_from_step", result.resumedFromStep());
    summary.put("examples", train.size());
    summary.put("validation_examples", val.size());
    summary.put("truncated_examples", result.truncatedExamples());
    summary.put("trained_tokens", result.trainedTokens());
    summary.put("tokens_per_s", result.tokensPerSecond());
    summary.put("params", config.parameterCount());
    summary.put("seconds", (System.nanoTime() - started) / 1e9);
    return summary;
  }
}
