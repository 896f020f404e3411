package dev.cft.stack.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cft.events.Topics;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.StatObjectArgs;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "demo",
    description =
        "Starts the stack if needed (options of up, e.g. ports, are passed on), drops a generated support-desk dataset into the ingest bucket,"
            + " follows it through ingest, training, evaluation and promotion, asks the model before"
            + " and after, then drops a degraded dataset that the gate rejects.")
final class DemoCommand implements Callable<Integer> {
  /** What the demo follows: every event of a dropped object's chain. */
  static final List<String> TOPICS =
      Topics.ALL.stream().filter(t -> !t.equals(Topics.INGEST_OBJECTS)).toList();

  private static final ObjectMapper JSON = new ObjectMapper();

  @Spec CommandSpec spec;
  @Mixin HomeOptions options;

  @Option(
      names = "--timeout",
      defaultValue = "600",
      description = "Seconds each stage may take (default: ${DEFAULT-VALUE}).")
  int timeoutSeconds;

  /** Options for {@code up} (ports, timeout), passed through. */
  @picocli.CommandLine.Unmatched List<String> upOptions = new ArrayList<>();

  private PrintWriter out;
  private int deployPort;

  @Override
  public Integer call() throws Exception {
    out = spec.commandLine().getOut();
    List<String> upArgs =
        new ArrayList<>(
            List.of(
                "up", "--state-dir=" + options.stateDir, "--project-dir=" + options.projectDir));
    upArgs.addAll(upOptions);
    int up = Pipeline.execute(out, spec.commandLine().getErr(), upArgs.toArray(String[]::new));
    if (up != 0) {
      return up;
    }
    StackSettings settings = StackSettings.load(options.stateDir);
    deployPort = settings.port(Part.DEPLOY);
    String domain = DemoData.DOMAIN;
    try (MinioClient s3 = settings.s3Client();
        KafkaConsumer<String, String> events = follow(settings.kafkaBootstrap())) {
      int round = versions(s3, domain);
      int first = round * 1000;
      say("");
      say("Before: " + ask(domain));
      put(s3, "evals", domain + "/golden.jsonl", DemoData.chats(900, 920, 0));
      say(
          "Golden set s3://evals/"
              + domain
              + "/golden.jsonl: tickets 900-919, in no training file (judges generalization)");
      String good = domain + "/tickets-" + round + ".jsonl";
      say("Dropping s3://ingest/" + good + " (80 support chats)");
      put(s3, "ingest", good, DemoData.chats(first, first + 80, 0));
      JsonNode verdict = followThrough(events, "ingest/" + good);
      if (verdict != null && verdict.path("candidateMetrics").has("golden.loss")) {
        say(
            String.format(
                Locale.ROOT,
                "Golden loss of %s: %.4f on tickets it never saw",
                verdict.path("modelVersion").asText(),
                verdict.path("candidateMetrics").path("golden.loss").asDouble()));
      }
      say("After:  " + ask(domain));

      String bad = domain + "/wrong-answers-" + round + ".jsonl";
      say("");
      say(
          "Dropping s3://ingest/"
              + bad
              + " (the same kind of tickets, answered with the wrong topic)");
      put(s3, "ingest", bad, DemoData.chats(first + 100, first + 180, 1));
      JsonNode second = followThrough(events, "ingest/" + bad);
      say("");
      say(
          "Production of '"
              + domain
              + "' is "
              + registry(domain).path("production").asText("none")
              + (second != null && !second.path("passed").asBoolean()
                  ? ": the degraded candidate was kept out."
                  : "."));
      say("Registry: curl -s localhost:" + deployPort + "/models/" + domain);
      say(
          "Your own data: put files under "
              + options.stateDir.resolve("s3/ingest")
              + "/<domain>/ (the scan finds them within 30 s).");
      say("Stop everything: ./pipeline down");
      return verdict == null ? 1 : 0;
    }
  }

  /**
   * Follows one dropped object's chain until its verdict (and promotion); null on rejection at
   * ingest.
   */
  private JsonNode followThrough(KafkaConsumer<String, String> events, String sourceKey) {
    String correlation = null;
    JsonNode verdict = null;
    long deadline = System.nanoTime() + Duration.ofSeconds(timeoutSeconds).toNanos();
    while (System.nanoTime() < deadline) {
      for (ConsumerRecord<String, String> record : events.poll(Duration.ofMillis(500))) {
        JsonNode e = read(record.value());
        if (e == null) {
          continue;
        }
        String topic = record.topic();
        if (correlation == null) {
          if (topic.equals(Topics.DATASETS_READY)
              && e.path("sourceKeys").toString().contains(sourceKey)) {
            correlation = e.path("correlationId").asText();
            say(
                String.format(
                    Locale.ROOT,
                    "  ingest   dataset %s v%d: %d train, %d val examples",
                    e.path("domain").asText(),
                    e.path("datasetVersion").asInt(),
                    e.path("trainExamples").asLong(),
                    e.path("valExamples").asLong()));
          } else if (topic.equals(Topics.INGEST_REJECTED)
              && e.path("sourceKey").asText().equals(sourceKey.substring("ingest/".length()))) {
            say("  ingest   rejected: " + e.path("errors"));
            return null;
          }
          continue;
        }
        if (!correlation.equals(e.path("correlationId").asText())) {
          continue;
        }
        switch (topic) {
          case Topics.TRAINING_JOBS -> {
            String state = e.path("state").asText();
            if (!state.equals("HEARTBEAT")) {
              endLine();
              String detail = e.path("message").asText("");
              String joint = state.equals("RUNNING") ? " from " : ": ";
              say(
                  "  train    job "
                      + state.toLowerCase(Locale.ROOT)
                      + (detail.isEmpty() ? "" : joint + detail));
            }
          }
          case Topics.TRAINING_PROGRESS -> progress(e);
          case Topics.CANDIDATES_READY -> {
            endLine();
            say("  train    candidate " + e.path("modelVersion").asText() + " registered");
          }
          case Topics.EVALUATIONS_COMPLETED -> {
            verdict = e;
            printVerdict(e);
            if (!e.path("passed").asBoolean()) {
              return e;
            }
          }
          case Topics.MODELS_PROMOTED -> {
            say(
                "  deploy   "
                    + e.path("modelVersion").asText()
                    + " is production"
                    + (e.hasNonNull("previousVersion")
                        ? " (was " + e.path("previousVersion").asText() + ")"
                        : "")
                    + ", served at http://127.0.0.1:"
                    + deployPort
                    + "/v1");
            return verdict;
          }
          default -> {}
        }
      }
    }
    endLine();
    say("  (no verdict within " + timeoutSeconds + " s: see ./pipeline logs)");
    return null;
  }

  private boolean midLine;

  private void progress(JsonNode e) {
    long step = e.path("step").asLong();
    long total = Math.max(1, e.path("totalSteps").asLong());
    int filled = (int) (30 * step / total);
    out.printf(
        Locale.ROOT,
        "\r  train    [%s%s] step %d/%d  loss %.3f  %,.0f tok/s   ",
        "#".repeat(filled),
        ".".repeat(30 - filled),
        step,
        total,
        e.path("trainLoss").asDouble(),
        e.path("tokensPerSecond").asDouble());
    out.flush();
    midLine = true;
  }

  private void endLine() {
    if (midLine) {
      out.println();
      midLine = false;
    }
  }

  private void printVerdict(JsonNode e) {
    endLine();
    JsonNode candidate = e.path("candidateMetrics");
    JsonNode production = e.path("productionMetrics");
    say(
        "  eval     "
            + e.path("modelVersion").asText()
            + " vs "
            + (e.hasNonNull("productionVersion")
                ? "production " + e.path("productionVersion").asText()
                : "no production model yet"));
    TreeSet<String> keys = new TreeSet<>();
    candidate.fieldNames().forEachRemaining(keys::add);
    for (String key : keys) {
      if (key.endsWith(".loss") || key.endsWith(".exact_match")) {
        say(
            String.format(
                Locale.ROOT,
                "           %-22s candidate %8.4f   production %s",
                key,
                candidate.path(key).asDouble(),
                production.has(key)
                    ? String.format(Locale.ROOT, "%8.4f", production.path(key).asDouble())
                    : "       -"));
      }
    }
    say("  eval     " + (e.path("passed").asBoolean() ? "PASSED" : "REJECTED"));
    e.path("reasons").forEach(r -> say("           - " + r.asText()));
  }

  /** A consumer of every topic of {@link #TOPICS}, positioned at their ends now. */
  static KafkaConsumer<String, String> follow(String bootstrap) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer());
    List<TopicPartition> partitions = new ArrayList<>();
    for (String topic : TOPICS) {
      consumer
          .partitionsFor(topic)
          .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
    }
    consumer.assign(partitions);
    consumer.seekToEnd(partitions);
    partitions.forEach(consumer::position); // fix "now" before anything is dropped
    return consumer;
  }

  /** The demo domain's finished dataset versions: each run drops new tickets. */
  private static int versions(MinioClient s3, String domain) {
    int v = 0;
    while (exists(s3, "datasets", domain + "/v" + (v + 1) + "/manifest.json")) {
      v++;
    }
    return v;
  }

  private String ask(String domain) throws Exception {
    String body =
        JSON.createObjectNode()
            .put("model", domain)
            .put("temperature", 0)
            .put("max_tokens", 40)
            .set(
                "messages",
                JSON.createArrayNode()
                    .add(
                        JSON.createObjectNode()
                            .put("role", "user")
                            .put("content", DemoData.FRESH_TICKET + DemoData.QUESTION)))
            .toString();
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + deployPort + "/v1/chat/completions"))
                    .header("content-type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() == 404) {
      return "(no model serves '" + domain + "' yet)";
    }
    return "\""
        + DemoData.FRESH_TICKET
        + DemoData.QUESTION
        + "\" → \""
        + JSON.readTree(r.body()).path("choices").path(0).path("message").path("content").asText()
        + "\"";
  }

  private JsonNode registry(String domain) throws Exception {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + deployPort + "/models/" + domain))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    return JSON.readTree(r.body());
  }

  static void put(MinioClient s3, String bucket, String key, String content) throws Exception {
    byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
    s3.putObject(
        PutObjectArgs.builder().bucket(bucket).object(key).stream(
                new ByteArrayInputStream(bytes), bytes.length, -1)
            .contentType("application/x-ndjson")
            .build());
  }

  static boolean exists(MinioClient s3, String bucket, String key) {
    try {
      s3.statObject(StatObjectArgs.builder().bucket(bucket).object(key).build());
      return true;
    } catch (Exception e) {
      return false;
    }
  }

  private static JsonNode read(String json) {
    try {
      return JSON.readTree(json);
    } catch (Exception e) {
      return null;
    }
  }

  private void say(String line) {
    out.println(line);
    out.flush();
  }
}
