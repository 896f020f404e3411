package dev.cft.lm.cli;

import ai.djl.ndarray.NDManager;
import dev.cft.lm.bench.Bench;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "bench",
    description = {
      "Measures training and decoding speed, matmul GFLOP/s and MFU; one JSON object.",
      "Training: a real fine-tuning run on random tokens, timed after the warm-up steps.",
      "Decoding: greedy, 256 new tokens, with and without the KV cache.",
      "Threads: -Dai.djl.pytorch.num_threads (libtorch's default: the cores)."
    })
final class BenchCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--n-embd",
      defaultValue = "128",
      paramLabel = "D",
      description = "Width. Default: ${DEFAULT-VALUE}.")
  int nEmbd;

  @Option(
      names = "--n-layer",
      defaultValue = "4",
      paramLabel = "L",
      description = "Blocks. Default: ${DEFAULT-VALUE}.")
  int nLayer;

  @Option(
      names = "--n-head",
      defaultValue = "4",
      paramLabel = "H",
      description = "Attention heads. Default: ${DEFAULT-VALUE}.")
  int nHead;

  @Option(
      names = "--ctx",
      defaultValue = "128",
      paramLabel = "T",
      description = "Tokens per training sequence. Default: ${DEFAULT-VALUE}.")
  int ctx;

  @Option(
      names = "--batch",
      defaultValue = "16",
      paramLabel = "B",
      description = "Sequences per step. Default: ${DEFAULT-VALUE}.")
  int batch;

  @Option(
      names = "--vocab",
      defaultValue = "257",
      paramLabel = "V",
      description = "Vocabulary size. Default: ${DEFAULT-VALUE}.")
  int vocab;

  @Option(
      names = "--dropout",
      defaultValue = "0",
      paramLabel = "P",
      description = "Dropout while training. Default: ${DEFAULT-VALUE}.")
  double dropout;

  @Option(
      names = "--steps",
      defaultValue = "20",
      paramLabel = "N",
      description = "Training steps measured, after the warm-up steps. Default: ${DEFAULT-VALUE}.")
  int steps;

  @Option(
      names = "--warmup",
      defaultValue = "3",
      paramLabel = "N",
      description = "Default: ${DEFAULT-VALUE}.")
  int warmup;

  @Override
  public Integer call() {
    Bench.Settings settings =
        new Bench.Settings(nEmbd, nLayer, nHead, ctx, batch, vocab, dropout, steps, warmup);
    try (NDManager root = NDManager.newBaseManager()) {
      Bench.Result result = Bench.run(settings, root, spec.commandLine().getErr()::println);
      spec.commandLine().getOut().println(Json.line(result.asMap()));
      spec.commandLine().getOut().flush();
    }
    return 0;
  }
}
