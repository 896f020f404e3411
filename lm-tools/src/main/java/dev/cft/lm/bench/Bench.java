package dev.cft.lm.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import dev.cft.lm.Gpt;
import dev.cft.lm.GptConfig;
import dev.cft.lm.data.Example;
import dev.cft.lm.generate.GenerationRequest;
import dev.cft.lm.generate.Generator;
import dev.cft.lm.train.FineTuner;
import dev.cft.lm.train.TrainingListener;
import dev.cft.lm.train.TrainingRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * How fast this machine trains and decodes a model of a given shape, and how that compares with
 * what its matmuls could do:
 *
 * <ul>
 *   <li>training: a real {@link FineTuner} run on random tokens (full sequences, no padding); only
 *       the steps after the warm-up are timed (the first ones allocate and tune kernels);
 *   <li>matmul: fp32 {@value #MATMUL_SIZE}³ products through DJL in the same process, the ceiling
 *       MFU is measured against (6 FLOPs per parameter and token for forward and backward);
 *   <li>decoding: greedy generation of {@value #DECODE_TOKENS} tokens after a {@value
 *       #PROMPT_TOKENS}-token prompt, with and without the KV cache.
 * </ul>
 */
public final class Bench {
  static final int MATMUL_SIZE = 1024;
  static final int DECODE_TOKENS = 256;
  static final int PROMPT_TOKENS = 8;
  private static final int DECODE_WARMUP_TOKENS = 16;
  private static final double MATMUL_SECONDS = 1.0; // long enough to average out the scheduler
  private static final long SEED = 7;

  /**
   * @param steps training steps timed
   * @param warmupSteps training steps run first and not timed (at least 1)
   */
  public record Settings(
      int nEmbd,
      int nLayer,
      int nHead,
      int ctx,
      int batch,
      int vocab,
      double dropout,
      int steps,
      int warmupSteps) {
    public Settings {
      if (steps < 1 || warmupSteps < 1) {
        throw new IllegalArgumentException("steps and warm-up steps must be at least 1");
      }
      if (vocab < 2) {
        throw new IllegalArgumentException("vocab must be at least 2 (tokens and end-of-text)");
      }
    }

    /** The shape trained and decoded; long enough for the prompt and every decoded token. */
    GptConfig config() {
      int positions = Math.max(ctx, PROMPT_TOKENS + DECODE_TOKENS);
      return new GptConfig(
          vocab,
          positions,
          nEmbd,
          nLayer,
          nHead,
          null,
          1e-5,
          dropout,
          dropout,
          dropout,
          0.02,
          vocab - 1,
          vocab - 1,
          "gelu_new");
    }
  }

  /**
   * @param decodeTokens tokens each decoding run generated (the cap: it never stops early)
   * @param peakRssMb the process's peak resident memory (VmHWM), NaN where /proc is missing
   * @param threads libtorch's intra-op threads
   */
  public record Result(
      Settings settings,
      long params,
      int nPositions,
      double tokensPerSecond,
      double matmulGflops,
      double decodeTokensPerSecond,
      double decodeTokensPerSecondNoCache,
      int decodeTokens,
      double peakRssMb,
      int threads) {

    /** Model FLOP utilisation: training FLOPs done per second over what the matmuls reach. */
    public double mfu() {
      return 6.0 * params * tokensPerSecond / (matmulGflops * 1e9);
    }

    public Map<String, Object> asMap() {
      Map<String, Object> map = new LinkedHashMap<>();
      map.put("tokens_per_s", tokensPerSecond);
      map.put("matmul_gflops", matmulGflops);
      map.put("mfu", mfu());
      map.put("decode_tokens_per_s", decodeTokensPerSecond);
      map.put("decode_tokens_per_s_nocache", decodeTokensPerSecondNoCache);
      map.put("decode_new_tokens", decodeTokens);
      map.put("peak_rss_mb", peakRssMb);
      map.put("n_embd", settings.nEmbd());
      map.put("n_layer", settings.nLayer());
      map.put("n_head", settings.nHead());
      map.put("ctx", settings.ctx());
      map.put("batch", settings.batch());
      map.put("vocab", settings.vocab());
      map.put("dropout", settings.dropout());
      map.put("params", params);
      map.put("n_positions", nPositions);
      map.put("steps", settings.steps());
      map.put("threads", threads);
      return map;
    }
  }

  private Bench() {}

  public static Result run(Settings settings, NDManager parent, Consumer<String> log) {
    GptConfig config = settings.config();
    log.accept(
        String.format(
            Locale.ROOT,
            "bench: %,d parameters, %d training steps (+%d warm-up) of %d×%d tokens",
            config.parameterCount(),
            settings.steps(),
            settings.warmupSteps(),
            settings.batch(),
            settings.ctx()));
    try (Gpt model = Gpt.initialize(config, parent, SEED)) {
      double training = trainingTokensPerSecond(model, settings);
      log.accept(String.format(Locale.ROOT, "training: %.0f tokens/s; timing matmuls", training));
      double gflops = matmulGflops(parent);
      log.accept(String.format(Locale.ROOT, "matmul: %.1f GFLOP/s; timing decoding", gflops));
      IdTokenizer decoding = new IdTokenizer(settings.vocab(), IdTokenizer.NO_EOS);
      String prompt = randomIds(new Random(SEED), PROMPT_TOKENS, settings.vocab() - 1);
      Generator generator = new Generator(model, decoding);
      Decode cached = decode(generator, prompt, true);
      Decode recomputed = decode(generator, prompt, false);
      return new Result(
          settings,
          config.parameterCount(),
          config.nPositions(),
          training,
          gflops,
          cached.tokensPerSecond,
          recomputed.tokensPerSecond,
          Math.min(cached.tokens, recomputed.tokens),
          peakRssMb(),
          // Every figure depends on it (-Dai.djl.pytorch.num_threads; libtorch's default: cores).
          JniUtils.getNumThreads());
    }
  }

  /** Steady-state training throughput: input tokens of the timed steps over their wall time. */
  private static double trainingTokensPerSecond(Gpt model, Settings settings) {
    int totalSteps = settings.warmupSteps() + settings.steps();
    Random random = new Random(SEED);
    List<Example> data = new ArrayList<>();
    // One example of ctx - 1 ids and the end-of-text id the packer appends: one wrapped row each.
    for (int i = 0; i < totalSteps * settings.batch(); i++) {
      data.add(Example.text(randomIds(random, settings.ctx() - 1, settings.vocab() - 1)));
    }
    TrainingRequest request =
        TrainingRequest.builder(data, settings.ctx())
            .epochs(1)
            .batch(settings.batch(), 1)
            .seed(SEED)
            .build();
    long[] stepEnds = new long[totalSteps + 1];
    TrainingListener clock =
        new TrainingListener() {
          @Override
          public void onStep(Step step) {
            stepEnds[(int) step.step()] = System.nanoTime();
          }
        };
    new FineTuner(model, new IdTokenizer(settings.vocab(), settings.vocab() - 1))
        .train(request, clock);
    double seconds = (stepEnds[totalSteps] - stepEnds[settings.warmupSteps()]) / 1e9;
    return (double) settings.steps() * settings.batch() * settings.ctx() / seconds;
  }

  /** fp32 GFLOP/s of square matmuls, after a warm-up, for at least {@link #MATMUL_SECONDS}. */
  static double matmulGflops(NDManager parent) {
    try (NDManager manager = parent.newSubManager()) {
      Shape shape = new Shape(MATMUL_SIZE, MATMUL_SIZE);
      NDArray a = manager.randomNormal(0, 1, shape, DataType.FLOAT32);
      NDArray b = manager.randomNormal(0, 1, shape, DataType.FLOAT32);
      for (int i = 0; i < 3; i++) {
        a.matMul(b).close(); // results join a's manager: closed at once so they do not pile up
      }
      int repeats = 0;
      long started = System.nanoTime();
      long elapsed;
      do {
        a.matMul(b).close();
        repeats++;
        elapsed = System.nanoTime() - started;
      } while (elapsed < MATMUL_SECONDS * 1e9 || repeats < 5);
      double flops = 2.0 * MATMUL_SIZE * MATMUL_SIZE * MATMUL_SIZE * repeats;
      return flops / elapsed; // FLOP per ns = GFLOP/s
    }
  }

  private record Decode(double tokensPerSecond, int tokens) {}

  private static Decode decode(Generator generator, String prompt, boolean useCache) {
    GenerationRequest warmup = GenerationRequest.greedy(prompt, DECODE_WARMUP_TOKENS);
    GenerationRequest timed = GenerationRequest.greedy(prompt, DECODE_TOKENS);
    if (!useCache) {
      warmup = warmup.withoutCache();
      timed = timed.withoutCache();
    }
    generator.generate(warmup);
    long started = System.nanoTime();
    int tokens = generator.generate(timed).tokens().length;
    return new Decode(tokens / ((System.nanoTime() - started) / 1e9), tokens);
  }

  private static String randomIds(Random random, int count, int bound) {
    return IntStream.range(0, count)
        .mapToObj(i -> Integer.toString(random.nextInt(bound)))
        .collect(Collectors.joining(" "));
  }

  /** Peak resident set size in MiB, from the kernel's high-water mark. */
  static double peakRssMb() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
        }
      }
    } catch (IOException | NumberFormatException e) {
      // Not Linux: reported as null.
    }
    return Double.NaN;
  }
}
