package dev.cft.stack.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cft.events.Topics;
import io.minio.CopyObjectArgs;
import io.minio.CopySource;
import io.minio.ListObjectsArgs;
import io.minio.MinioClient;
import io.minio.Result;
import io.minio.messages.Item;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ./pipeline bench-load}: the pipeline under load, on a stack of its own (free ports, a
 * temporary state directory, stopped at the end). Serving: concurrent streaming clients while the
 * served model is swapped again and again (each swap a real promotion: load, alias move, hot swap);
 * every failed request is counted. Ingest: many files over several domains at once, timed until
 * each has its outcome.
 */
@Command(
    name = "bench-load",
    mixinStandardHelpOptions = true,
    description = "Streaming clients during hot swaps, then a burst of files: figures of both.")
final class LoadBenchCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String DOMAIN = "bench";

  @Spec CommandSpec spec;

  @Option(names = "--clients", defaultValue = "16", description = "Streaming clients.")
  int clients;

  @Option(names = "--seconds", defaultValue = "60", description = "How long they stream.")
  int seconds;

  @Option(names = "--swap-every", defaultValue = "5", description = "Seconds between swaps.")
  int swapEvery;

  @Option(names = "--files", defaultValue = "100", description = "Files dropped at once.")
  int files;

  @Option(names = "--domains", defaultValue = "5", description = "Domains they spread over.")
  int domains;

  @Option(names = "--project-dir", defaultValue = ".", description = "The built project.")
  Path projectDir;

  private PrintWriter out;
  private final AtomicInteger limited = new AtomicInteger();

  @Override
  public Integer call() throws Exception {
    out = spec.commandLine().getOut();
    try (PrivateStack stack = PrivateStack.start(out, spec.commandLine().getErr(), projectDir);
        MinioClient s3 = stack.settings.s3Client()) {
      String base = stack.settings.serviceUrl(Part.DEPLOY);
      say("Training a model to serve (" + DOMAIN + "): a few minutes on 2 cores ...");
      DemoCommand.put(s3, "ingest", DOMAIN + "/tickets.jsonl", DemoData.chats(0, 80, 0));
      awaitProduction(base, "v1", Duration.ofMinutes(15));
      serving(stack.settings, s3, base);
      ingest(s3);
      return 0;
    }
  }

  /** Streaming clients; meanwhile the served version is swapped every few seconds. */
  private void serving(StackSettings settings, MinioClient s3, String base) throws Exception {
    HttpClient http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1) // as OpenAI clients speak to a plain-HTTP server
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    ConcurrentLinkedQueue<long[]> done = new ConcurrentLinkedQueue<>(); // {latency, ttft} ns
    ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    AtomicBoolean running = new AtomicBoolean(true);
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    for (int c = 0; c < clients; c++) {
      int client = c;
      pool.submit(
          () -> {
            for (int i = 0; running.get(); i++) {
              stream(
                  http,
                  base,
                  "Ticket " + (client * 1000 + i) + ": " + DemoData.QUESTION,
                  done,
                  failures);
            }
          });
    }
    int swaps = 0;
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    try (KafkaProducer<String, String> producer = producer(settings)) {
      while (System.nanoTime() < end) {
        Thread.sleep(TimeUnit.SECONDS.toMillis(swapEvery));
        String version = "v" + (1000 + ++swaps);
        copyVersion(s3, "v1", version);
        producer
            .send(new ProducerRecord<>(Topics.EVALUATIONS_COMPLETED, DOMAIN, verdict(version)))
            .get();
      }
    }
    running.set(false);
    pool.shutdown();
    pool.awaitTermination(2, TimeUnit.MINUTES);
    List<Long> latencies = new ArrayList<>();
    List<Long> ttfts = new ArrayList<>();
    done.forEach(
        d -> {
          latencies.add(d[0]);
          ttfts.add(d[1]);
        });
    Collections.sort(latencies);
    Collections.sort(ttfts);
    say("");
    say(
        String.format(
            "Serving: %d streaming clients for %d s, %d hot swaps (a promotion every %d s)",
            clients, seconds, swaps, swapEvery));
    say(
        String.format(
            "  requests completed   %d  (%.1f/s)",
            latencies.size(), latencies.size() / (double) seconds));
    say(
        String.format(
            "  requests failed      %d%s",
            failures.size(), failures.isEmpty() ? "" : "  first: " + failures.peek()));
    if (limited.get() > 0) {
      say(
          String.format(
              "  refused by the rate limit  %d (429; every client here shares one address:"
                  + " CFT_DEPLOY_LIMITS_REQUESTS_PER_MINUTE=0 lifts it)",
              limited.get()));
    }
    say(String.format("  latency  p50 %s  p99 %s", ms(latencies, 0.50), ms(latencies, 0.99)));
    say(String.format("  TTFT     p50 %s  p99 %s", ms(ttfts, 0.50), ms(ttfts, 0.99)));
    say("  served now           " + production(base));
  }

  /** One streamed chat completion; a non-200, an error event or no [DONE] is a failure. */
  private void stream(
      HttpClient http,
      String base,
      String question,
      ConcurrentLinkedQueue<long[]> done,
      ConcurrentLinkedQueue<String> failures) {
    ObjectNode body = JSON.createObjectNode().put("model", DOMAIN).put("stream", true);
    body.put("max_tokens", 24).put("temperature", 0);
    body.putArray("messages").addObject().put("role", "user").put("content", question);
    long start = System.nanoTime();
    try {
      HttpResponse<java.io.InputStream> r =
          http.send(
              HttpRequest.newBuilder(URI.create(base + "/v1/chat/completions"))
                  .header("content-type", "application/json")
                  .timeout(Duration.ofSeconds(60))
                  .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                  .build(),
              HttpResponse.BodyHandlers.ofInputStream());
      if (r.statusCode() == 429) {
        limited.incrementAndGet(); // the rate limit at work, not a failure of serving
        r.body().close();
        Thread.sleep(1000);
        return;
      }
      if (r.statusCode() != 200) {
        failures.add(
            "HTTP "
                + r.statusCode()
                + ": "
                + new String(r.body().readAllBytes(), StandardCharsets.UTF_8));
        return;
      }
      long first = 0;
      boolean finished = false;
      try (BufferedReader lines =
          new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
          if (!line.startsWith("data: ")) {
            continue;
          }
          String data = line.substring(6);
          if (data.equals("[DONE]")) {
            finished = true;
            break;
          }
          if (data.contains("\"error\"")) {
            failures.add(data);
            return;
          }
          if (first == 0 && data.contains("\"content\":\"") && !data.contains("\"content\":\"\"")) {
            first = System.nanoTime();
          }
        }
      }
      if (!finished) {
        failures.add("the stream ended without [DONE]");
        return;
      }
      long now = System.nanoTime();
      done.add(new long[] {now - start, (first == 0 ? now : first) - start});
    } catch (Exception e) {
      failures.add(e.toString());
    }
  }

  /** Files over the domains all at once; timed until every one has its outcome in the ledger. */
  private void ingest(MinioClient s3) throws Exception {
    String run = UUID.randomUUID().toString().substring(0, 6);
    long start = System.nanoTime();
    for (int i = 0; i < files; i++) {
      String domain = "load-" + run + "-" + (i % domains);
      DemoCommand.put(
          s3,
          "ingest",
          domain + "/f" + String.format("%03d", i) + ".jsonl",
          DemoData.chats(i * 10, i * 10 + 10, 0));
    }
    double dropped = (System.nanoTime() - start) / 1e9;
    int outcomes = 0;
    long firstAt = 0;
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
    while (outcomes < files && System.nanoTime() < deadline) {
      outcomes = count(s3, "datasets", "_ingested/load-" + run + "-");
      if (outcomes > 0 && firstAt == 0) {
        firstAt = System.nanoTime();
      }
      Thread.sleep(100);
    }
    double took = (System.nanoTime() - start) / 1e9;
    double working = (System.nanoTime() - firstAt) / 1e9;
    say("");
    say(
        String.format(
            "Ingest: %d files over %d domains dropped in %.1f s", files, domains, dropped));
    say(
        String.format(
            "  outcomes recorded    %d of %d in %.1f s from the drop: %.1f files/s",
            outcomes, files, took, outcomes / took));
    say(
        String.format(
            "  first outcome after  %.1f s (the scan's period: the embedded store sends no events)",
            (firstAt - start) / 1e9));
    say(
        String.format(
            "  first to last        %.1f s: %.1f files/s", working, (outcomes - 1) / working));
  }

  private static int count(MinioClient s3, String bucket, String prefix) throws Exception {
    int n = 0;
    for (Result<Item> r :
        s3.listObjects(
            ListObjectsArgs.builder().bucket(bucket).prefix(prefix).recursive(true).build())) {
      r.get();
      n++;
    }
    return n;
  }

  /** A copy of a version under another name: the same model, a new version to promote. */
  private static void copyVersion(MinioClient s3, String from, String to) throws Exception {
    String source = "bench/versions/" + from + "/";
    for (Result<Item> r :
        s3.listObjects(
            ListObjectsArgs.builder().bucket("models").prefix(source).recursive(true).build())) {
      String key = r.get().objectName();
      s3.copyObject(
          CopyObjectArgs.builder()
              .bucket("models")
              .object("bench/versions/" + to + "/" + key.substring(source.length()))
              .source(CopySource.builder().bucket("models").object(key).build())
              .build());
    }
  }

  /** A passed verdict for {@code version}, as eval-service sends it. */
  private static String verdict(String version) {
    ObjectNode v = JSON.createObjectNode();
    v.put("eventId", UUID.randomUUID().toString()).put("correlationId", "bench-" + version);
    v.put("domain", DOMAIN).put("occurredAt", Instant.now().toString());
    v.put("modelVersion", version).putNull("productionVersion").put("passed", true);
    v.putArray("reasons").add("bench: a hot swap under load");
    v.putObject("candidateMetrics").put("val.loss", 0.1);
    v.putNull("productionMetrics");
    String prefix = "bench/versions/" + version + "/";
    v.put("modelBucket", "models")
        .put("modelPrefix", prefix)
        .put("evaluationKey", prefix + "evaluation.json");
    return v.toString();
  }

  private static KafkaProducer<String, String> producer(StackSettings settings) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.kafkaBootstrap());
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    return new KafkaProducer<>(props, new StringSerializer(), new StringSerializer());
  }

  private void awaitProduction(String base, String version, Duration wait) throws Exception {
    long deadline = System.nanoTime() + wait.toNanos();
    while (System.nanoTime() < deadline) {
      if (version.equals(production(base))) {
        return;
      }
      Thread.sleep(2000);
    }
    throw new IllegalStateException(DOMAIN + " has no production " + version + " after " + wait);
  }

  private static String production(String base) {
    try {
      HttpResponse<String> r =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create(base + "/models/" + DOMAIN)).build(),
                  HttpResponse.BodyHandlers.ofString());
      JsonNode registry = JSON.readTree(r.body());
      return registry.path("production").asText(null);
    } catch (Exception e) {
      return null;
    }
  }

  private static String ms(List<Long> sorted, double q) {
    if (sorted.isEmpty()) {
      return "-";
    }
    long ns = sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(q * sorted.size()) - 1));
    return String.format("%.0f ms", ns / 1e6);
  }

  private void say(String line) {
    out.println(line);
    out.flush();
  }
}
