package dev.cft.stack.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.NotFoundException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.completions.Completion;
import com.openai.models.completions.CompletionCreateParams;
import dev.cft.events.Buckets;
import dev.cft.events.documents.DatasetManifest;
import dev.cft.events.documents.QuarantineReport;
import dev.cft.ops.MetricsSampler;
import dev.cft.stack.LocalStack;
import io.minio.MinioClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The whole pipeline as a person uses it: {@code ./pipeline up} (Kafka, the S3 server and the four
 * packaged services as processes), a file dropped into the ingest bucket, and nothing else: the
 * promoted model answers the official OpenAI client, its lineage is in the registry; a bad file
 * ends in quarantine, the same file twice makes no version, a degrading file is rejected by the
 * gate and production stays.
 */
class PipelineFlowIT {
  private static final Duration WAIT = Duration.ofMinutes(6);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String DOMAIN = DemoData.DOMAIN;

  @RegisterExtension final LocalPipeline pipeline = new LocalPipeline("flow-it");

  @Test
  void aDroppedFileEndsAsAServedModelWithLineageAndTheGateKeepsABadOneOut() throws Exception {
    Map<String, String> services = pipeline.services();
    Map<String, String> management = pipeline.management();
    assertEquals(0, pipeline.up().exitCode());
    try (MinioClient s3 = pipeline.settings().s3Client();
        MetricsSampler metrics = new MetricsSampler(management, Duration.ofSeconds(2))) {
      StackStore store = new StackStore(s3);
      store.put(Buckets.INGEST, DOMAIN + "/tickets.jsonl", DemoData.chats(0, 80, 0));
      // The broker process frozen for 8 s while the job trains (SIGSTOP, SIGCONT): every service
      // is a real process here; nothing may be lost or happen twice.
      await(
          "dataset v1",
          () -> store.exists(Buckets.DATASETS, StackStore.datasetManifest(DOMAIN, 1)),
          done -> done);
      Thread.sleep(5000);
      freezeBroker(Duration.ofSeconds(8));
      JsonNode registry =
          await(
              "a production model for " + DOMAIN,
              () -> registry(),
              // The history line is written right after the alias moves (two objects).
              r ->
                  r != null
                      && "v1".equals(r.path("production").asText(null))
                      && r.path("history").size() > 0);

      OpenAIClient client =
          OpenAIOkHttpClient.builder()
              .baseUrl(services.get("deploy") + "/v1")
              .apiKey("local")
              .maxRetries(0)
              .build();
      ChatCompletionCreateParams chat =
          ChatCompletionCreateParams.builder()
              .model(DOMAIN)
              .addUserMessage("Ticket 3: I forgot my password")
              .maxCompletionTokens(40)
              .temperature(0.0)
              .build();
      ChatCompletion answer = client.chat().completions().create(chat);
      String content = answer.choices().get(0).message().content().orElse("");
      assertFalse(content.isBlank(), "the promoted model answers");
      String streamed;
      try (StreamResponse<ChatCompletionChunk> stream =
          client.chat().completions().createStreaming(chat)) {
        streamed =
            stream.stream()
                .flatMap(c -> c.choices().stream())
                .map(c -> c.delta().content().orElse(""))
                .collect(Collectors.joining());
      }
      assertEquals(content, streamed);
      Completion completion = client.completions().create(completion(DOMAIN));
      assertEquals(1, completion.choices().size());
      assertThrows(
          NotFoundException.class,
          () -> client.completions().create(completion("no-such-domain")),
          "an unknown model is an error the serving metrics count");

      // Lineage: the object's notification id runs through dataset, candidate, verdict and
      // promotion.
      String correlation =
          store
              .document(
                  Buckets.DATASETS, StackStore.datasetManifest(DOMAIN, 1), DatasetManifest.class)
              .orElseThrow()
              .correlationId();
      JsonNode v1 = registry.path("versions").get(0);
      assertEquals("v1", v1.path("version").asText());
      assertEquals("production", v1.path("status").asText());
      assertEquals(1, v1.path("datasetVersion").asInt());
      assertEquals(correlation, v1.path("correlationId").asText());
      assertTrue(v1.path("verdict").path("passed").asBoolean());
      assertEquals(correlation, registry.path("history").get(0).path("correlationId").asText());
      assertEquals(
          1, registry.path("history").size(), "promoted once: " + registry.path("history"));
      assertEquals(
          1, registry.path("versions").size(), "one candidate: " + registry.path("versions"));

      // A bad file: quarantined with line-level errors, no new version.
      store.put(
          Buckets.INGEST,
          DOMAIN + "/broken.jsonl",
          DemoData.chats(0, 2, 0) + "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}\n");
      QuarantineReport errors =
          await(
                  "quarantine errors",
                  () ->
                      store.document(
                          Buckets.QUARANTINE,
                          DOMAIN + "/broken.jsonl.errors.json",
                          QuarantineReport.class),
                  Optional::isPresent)
              .orElseThrow();
      assertEquals(3L, errors.errors().get(0).line());
      // The same content again under another name: nothing new.
      store.put(Buckets.INGEST, DOMAIN + "/tickets-copy.jsonl", DemoData.chats(0, 80, 0));

      // Answers swapped to the wrong topics: trained on, it forgets the right ones; the gate says
      // no.
      store.put(Buckets.INGEST, DOMAIN + "/wrong.jsonl", DemoData.chats(0, 80, 1));
      // The S3 server killed (SIGKILL) once v2 is a dataset, and started again 10 s later: the
      // stages say they are not ready meanwhile, retry, and finish the work once; serving stays
      // ready and answers from memory.
      await(
          "dataset v2",
          () -> store.exists(Buckets.DATASETS, StackStore.datasetManifest(DOMAIN, 2)),
          done -> done);
      crashS3(
          Duration.ofSeconds(10),
          management,
          () -> {
            ChatCompletion during = client.chat().completions().create(chat);
            assertEquals(
                content,
                during.choices().get(0).message().content().orElse(""),
                "served while the store is gone");
            return during;
          });
      JsonNode rejected =
          await(
              "a verdict on v2",
              () -> registry(),
              r ->
                  r != null
                      && versionStatus(r, "v2") != null
                      && !versionStatus(r, "v2").equals("candidate"));
      assertEquals("rejected", versionStatus(rejected, "v2"), rejected.toString());
      assertEquals("v1", rejected.path("production").asText(), "production does not change");
      String reasons = rejected.path("versions").get(1).path("verdict").path("reasons").toString();
      assertTrue(reasons.contains("retention loss"), reasons);
      assertFalse(
          store.exists(Buckets.DATASETS, StackStore.datasetManifest(DOMAIN, 3)),
          "the bad file and the copy made no version");
      assertEquals(2, rejected.path("versions").size(), "one candidate each: " + rejected);
      assertEquals(1, rejected.path("history").size(), "promoted once: " + rejected);

      metrics.sample();
      FlowMetrics.assertEveryStageMoved(metrics.seen());
      FlowMetrics.assertDashboardsNameExposedMetrics(metrics.seen());
    }
  }

  /**
   * Kills the S3 server; the stages must report not ready, deploy stay ready and pass {@code
   * serving}; after {@code howLong} starts it again (as this JVM's child: the supervisor does not
   * restart parts).
   */
  private void crashS3(Duration howLong, Map<String, String> management, Probe<?> serving)
      throws Exception {
    ProcessHandle s3 =
        pipeline.home().process("s3").orElseThrow(() -> new AssertionError("no S3 server process"));
    assertEquals(0, new ProcessBuilder("kill", "-KILL", Long.toString(s3.pid())).start().waitFor());
    s3.onExit().get(30, java.util.concurrent.TimeUnit.SECONDS);
    long restartAt = System.nanoTime() + howLong.toNanos();
    for (var service : management.entrySet()) {
      if (!service.getKey().equals("deploy")) {
        await(
            service.getKey() + " not ready without its store",
            () -> readiness(service.getValue()),
            code -> code == 503);
      }
    }
    assertEquals(200, readiness(management.get("deploy")), "serving stays ready");
    serving.get();
    Thread.sleep(Math.max(0, (restartAt - System.nanoTime()) / 1_000_000));
    pipeline.closeAfterDown(
        LocalStack.startS3Server(pipeline.settings().localStack(pipeline.state())));
  }

  /** A service's readiness, asked on its management port. */
  private static int readiness(String management) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create(management + "/q/health/ready")).build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  private void freezeBroker(Duration howLong) throws Exception {
    long pid =
        pipeline
            .home()
            .process("kafka")
            .orElseThrow(() -> new AssertionError("no broker process"))
            .pid();
    assertEquals(0, new ProcessBuilder("kill", "-STOP", Long.toString(pid)).start().waitFor());
    try {
      Thread.sleep(howLong.toMillis());
    } finally {
      new ProcessBuilder("kill", "-CONT", Long.toString(pid)).start().waitFor();
    }
  }

  private static CompletionCreateParams completion(String model) {
    return CompletionCreateParams.builder()
        .model(model)
        .prompt("Ticket 9")
        .maxTokens(8)
        .temperature(0.0)
        .build();
  }

  private static String versionStatus(JsonNode registry, String version) {
    for (JsonNode v : registry.path("versions")) {
      if (v.path("version").asText().equals(version)) {
        return v.path("status").asText();
      }
    }
    return null;
  }

  private JsonNode registry() throws Exception {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create(pipeline.services().get("deploy") + "/models/" + DOMAIN))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    return r.statusCode() == 200 ? JSON.readTree(r.body()) : null;
  }

  interface Probe<T> {
    T get() throws Exception;
  }

  private static <T> T await(String what, Probe<T> probe, Predicate<T> done) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (true) {
      T value = probe.get();
      if (done.test(value)) {
        return value;
      }
      assertTrue(System.nanoTime() < deadline, "no " + what + " within " + WAIT);
      Thread.sleep(500);
    }
  }
}
