package dev.cft.lm.cli;

import ai.djl.ndarray.NDManager;
import dev.cft.lm.generate.GenerationRequest;
import dev.cft.lm.generate.GenerationResult;
import dev.cft.lm.generate.Generator;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "generate",
    description = {
      "Continues a prompt: only the generated text goes to stdout, streamed.",
      "The finish reason and speed go to stderr."
    })
final class GenerateCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--model", required = true, paramLabel = "DIR")
  Path model;

  @Option(names = "--prompt", required = true, paramLabel = "TEXT")
  String prompt;

  @Option(
      names = "--max-tokens",
      defaultValue = "128",
      paramLabel = "N",
      description = "Default: ${DEFAULT-VALUE}.")
  int maxTokens;

  @Option(names = "--greedy", description = "Always take the most likely token.")
  boolean greedy;

  @Option(
      names = "--temperature",
      defaultValue = "1.0",
      paramLabel = "X",
      description = "Default: ${DEFAULT-VALUE}.")
  double temperature;

  @Option(
      names = "--top-k",
      defaultValue = "0",
      paramLabel = "K",
      description = "Sample among the K most likely tokens (0: all).")
  int topK;

  @Option(
      names = "--top-p",
      defaultValue = "1.0",
      paramLabel = "P",
      description = "Sample within the smallest set of probability P (1: all).")
  double topP;

  @Option(
      names = "--seed",
      defaultValue = "0",
      paramLabel = "S",
      description = "Default: ${DEFAULT-VALUE}.")
  long seed;

  @Option(
      names = "--stop",
      paramLabel = "STR",
      description = "End at this text (not printed); repeatable.")
  List<String> stop = new ArrayList<>();

  @Override
  public Integer call() throws IOException {
    GenerationRequest request =
        new GenerationRequest(
            prompt, maxTokens, greedy ? 0 : temperature, topK, topP, stop, seed, true);
    PrintWriter out = spec.commandLine().getOut();
    try (NDManager root = NDManager.newBaseManager();
        LoadedModel loaded = LoadedModel.load(model, root)) {
      long started = System.nanoTime();
      GenerationResult result =
          new Generator(loaded.model(), loaded.tokenizer())
              .generate(
                  request,
                  piece -> {
                    out.print(piece);
                    out.flush();
                  });
      double seconds = (System.nanoTime() - started) / 1e9;
      spec.commandLine()
          .getErr()
          .printf(
              Locale.ROOT,
              "%n[%d prompt tokens, %d generated, finish: %s, %.1f tok/s]%n",
              result.promptTokens(),
              result.tokens().length,
              result.finishReason(),
              result.tokens().length / seconds);
    }
    return 0;
  }
}
