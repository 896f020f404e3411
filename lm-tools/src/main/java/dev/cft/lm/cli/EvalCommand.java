package dev.cft.lm.cli;

import ai.djl.ndarray.NDManager;
import dev.cft.lm.data.DataFiles;
import dev.cft.lm.data.Example;
import dev.cft.lm.eval.Evaluator;
import dev.cft.lm.eval.Metrics;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "eval",
    description =
        "Loss, perplexity and token accuracy of a model on a data file, as one JSON object.")
final class EvalCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--model", required = true, paramLabel = "DIR")
  Path model;

  @Option(names = "--data", required = true, paramLabel = "FILE")
  Path data;

  @Option(
      names = "--exact-match",
      description = "Also complete each prompt greedily and compare it with its completion.")
  boolean exactMatch;

  @Option(
      names = "--batch",
      defaultValue = "8",
      paramLabel = "B",
      description = "Default: ${DEFAULT-VALUE}.")
  int batch;

  @Override
  public Integer call() throws IOException {
    List<Example> examples = DataFiles.read(data);
    try (NDManager root = NDManager.newBaseManager();
        LoadedModel loaded = LoadedModel.load(model, root)) {
      Evaluator evaluator = new Evaluator(loaded.model(), loaded.tokenizer(), batch);
      // A budget of 1: withExactMatch raises it to each reference's length + 1, all a match needs.
      Metrics metrics =
          exactMatch ? evaluator.withExactMatch(examples, 1) : evaluator.tokenMetrics(examples);
      spec.commandLine().getOut().println(Json.line(metrics.asMap()));
      spec.commandLine().getOut().flush();
    }
    return 0;
  }
}
