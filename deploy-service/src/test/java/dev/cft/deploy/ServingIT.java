package dev.cft.deploy;

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
import dev.cft.events.EvaluationCompleted;
import dev.cft.events.ModelKeys;
import dev.cft.events.ModelPromoted;
import dev.cft.events.Topics;
import dev.cft.lm.TestModels;
import dev.cft.runtime.store.ObjectStore;
import dev.cft.stack.test.LocalStackResource;
import dev.cft.stack.test.TestEvents;
import dev.cft.stack.test.TopicWatcher;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Verdicts on the real broker move the registry in the real store; the promoted model answers the
 * official OpenAI Java client (plain and streamed), is swapped for the next with no failed request,
 * a rejected candidate changes nothing, and rollback brings the previous one back.
 */
@QuarkusTest
@WithTestResource(LocalStackResource.class)
class ServingIT {
  static final Duration WAIT = Duration.ofMinutes(2);
  static final ObjectMapper JSON = new ObjectMapper();

  @Inject ObjectStore store;
  @TempDir Path tmp;

  @TestHTTPResource("/")
  URL base;

  void register(String domain, String version, int steps, boolean passed) throws Exception {
    Path dir = tmp.resolve(version);
    TestModels.saveTrained(dir, steps);
    String prefix = ModelKeys.version(domain, version);
    store.uploadDirectory(dir, "models", prefix);
    RegistryDocuments.write(
        store,
        domain,
        version,
        passed,
        passed
            ? "val loss improved"
            : "val loss 5.5 vs production 2.1 (+160 %): must improve by at least 1.00 %");
  }

  static EvaluationCompleted verdict(String domain, String version, boolean passed) {
    return RegistryDocuments.verdict(domain, version, passed, "corr-" + domain, null);
  }

  OpenAIClient client() {
    return OpenAIOkHttpClient.builder()
        .baseUrl(base + "v1")
        .apiKey("not-needed")
        .maxRetries(0)
        .build();
  }

  String servedVersion(OpenAIClient client, String domain) throws Exception {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(base + "v1/models")).build(),
                HttpResponse.BodyHandlers.ofString());
    for (JsonNode m : JSON.readTree(r.body()).path("data")) {
      if (m.path("id").asText().equals(domain)) {
        return m.path("owned_by").asText().substring("cft:".length());
      }
    }
    return null;
  }

  void awaitServed(OpenAIClient client, String domain, String version) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!version.equals(servedVersion(client, domain))) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(domain + " never served " + version);
      }
      Thread.sleep(200);
    }
  }

  @Test
  void promotedModelsAnswerTheOpenAiClientAndSwapWithoutAFailedRequest() throws Exception {
    String domain = "serve-" + UUID.randomUUID().toString().substring(0, 8);
    register(domain, "v1", 40, true);
    register(domain, "v2", 120, true);
    register(domain, "v3", 0, false);
    OpenAIClient client = client();
    try (TopicWatcher promotions = new TopicWatcher(Topics.MODELS_PROMOTED)) {
      EvaluationCompleted passed = verdict(domain, "v1", true);
      TestEvents.publish(Topics.EVALUATIONS_COMPLETED, domain, passed);
      awaitServed(client, domain, "v1");
      ModelPromoted first =
          promotions.await(ModelPromoted.class, e -> e.domain().equals(domain), WAIT);
      assertEquals(ModelPromoted.Action.PROMOTED, first.action());
      assertEquals("corr-" + domain, first.correlationId());
      // The same verdict delivered again: no second promotion, one line of history.
      TestEvents.publish(Topics.EVALUATIONS_COMPLETED, domain, passed);
      assertEquals(
          1,
          promotions
              .all(ModelPromoted.class, e -> e.domain().equals(domain), Duration.ofSeconds(3))
              .size(),
          "promoted once");
      assertEquals(1, get("models/" + domain).path("history").size());

      CompletionCreateParams completion =
          CompletionCreateParams.builder()
              .model(domain)
              .prompt("ticket 4: ")
              .maxTokens(8)
              .temperature(0.0)
              .build();
      Completion plain = client.completions().create(completion);
      String text = plain.choices().get(0).text();
      assertFalse(text.isEmpty());
      assertTrue(plain.usage().orElseThrow().promptTokens() > 0);
      String streamed;
      try (StreamResponse<Completion> stream = client.completions().createStreaming(completion)) {
        streamed =
            stream.stream()
                .map(c -> c.choices().isEmpty() ? "" : c.choices().get(0).text())
                .collect(Collectors.joining());
      }
      assertEquals(text, streamed, "streamed pieces add up to the plain answer");

      ChatCompletionCreateParams chat =
          ChatCompletionCreateParams.builder()
              .model(domain)
              .addUserMessage("ticket 7")
              .maxCompletionTokens(12)
              .temperature(0.0)
              .build();
      ChatCompletion answer = client.chat().completions().create(chat);
      String content = answer.choices().get(0).message().content().orElse("");
      String chatStreamed;
      try (StreamResponse<ChatCompletionChunk> stream =
          client.chat().completions().createStreaming(chat)) {
        chatStreamed =
            stream.stream()
                .flatMap(c -> c.choices().stream())
                .map(c -> c.delta().content().orElse(""))
                .collect(Collectors.joining());
      }
      assertEquals(content, chatStreamed);
      assertThrows(
          NotFoundException.class,
          () ->
              client
                  .completions()
                  .create(
                      CompletionCreateParams.builder()
                          .model("no-such-domain")
                          .prompt("x")
                          .build()));

      // A rejected candidate: production stays.
      TestEvents.publish(Topics.EVALUATIONS_COMPLETED, domain, verdict(domain, "v3", false));
      // v2 passes while requests keep coming: none may fail.
      AtomicBoolean running = new AtomicBoolean(true);
      AtomicInteger served = new AtomicInteger();
      AtomicInteger failed = new AtomicInteger();
      Thread load =
          new Thread(
              () -> {
                while (running.get()) {
                  try {
                    client.completions().create(completion);
                    served.incrementAndGet();
                  } catch (RuntimeException e) {
                    failed.incrementAndGet();
                  }
                }
              });
      load.start();
      Thread.sleep(500);
      TestEvents.publish(Topics.EVALUATIONS_COMPLETED, domain, verdict(domain, "v2", true));
      awaitServed(client, domain, "v2");
      Thread.sleep(500);
      running.set(false);
      load.join();
      assertEquals(0, failed.get(), "failed requests during the swap");
      assertTrue(served.get() > 3, "requests served during the swap: " + served.get());

      JsonNode registry = get("models/" + domain);
      assertEquals("v2", registry.path("production").asText());
      assertEquals("v1", registry.path("previous").asText());
      Map<String, JsonNode> versions = new java.util.HashMap<>();
      registry.path("versions").forEach(v -> versions.put(v.path("version").asText(), v));
      assertEquals("rejected", versions.get("v3").path("status").asText());
      assertTrue(
          versions
              .get("v3")
              .path("verdict")
              .path("reasons")
              .get(0)
              .asText()
              .contains("must improve"));
      assertEquals("retired", versions.get("v1").path("status").asText());
      assertEquals("job-v2", versions.get("v2").path("jobId").asText());

      HttpResponse<String> rollback =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create(base + "models/" + domain + "/rollback"))
                      .header("Authorization", "Bearer test-admin-key")
                      .POST(HttpRequest.BodyPublishers.noBody())
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertEquals(200, rollback.statusCode(), rollback.body());
      awaitServed(client, domain, "v1");
      JsonNode after = get("models/" + domain);
      assertEquals("v1", after.path("production").asText());
      assertEquals("v2", after.path("previous").asText());
      List<String> actions = new java.util.ArrayList<>();
      after
          .path("history")
          .forEach(h -> actions.add(h.path("action").asText() + " " + h.path("version").asText()));
      assertEquals(List.of("PROMOTED v1", "PROMOTED v2", "ROLLED_BACK v1"), actions);
      assertTrue(
          promotions
                  .all(
                      ModelPromoted.class,
                      e ->
                          e.domain().equals(domain)
                              && e.action() == ModelPromoted.Action.ROLLED_BACK,
                      Duration.ofSeconds(2))
                  .size()
              == 1);

      // An alias moved behind the service's back (or a promotion this replica missed): it catches
      // up.
      store.writeString(
          "models",
          ModelKeys.alias(domain, ModelKeys.PRODUCTION),
          "{\"version\":\"v2\"}",
          "application/json");
      awaitServed(client, domain, "v2");
    }
  }

  JsonNode get(String path) throws Exception {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(base + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    return JSON.readTree(r.body());
  }
}
