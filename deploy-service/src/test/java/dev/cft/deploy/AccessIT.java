package dev.cft.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cft.deploy.registry.ModelRegistry;
import dev.cft.events.ModelKeys;
import dev.cft.lm.TestModels;
import dev.cft.runtime.store.ObjectStore;
import dev.cft.stack.test.LocalStackResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Who may call deploy-service and how much: keys for state changes and (here) for serving, limits
 * on tokens, prompt and body, a rate limit per key. Every refusal is a 4xx in OpenAI's error shape.
 */
@QuarkusTest
@TestProfile(AccessIT.Keyed.class)
@WithTestResource(LocalStackResource.class)
class AccessIT {
  static final String ADMIN = "test-admin-key";
  static final String API = "test-api-key";
  static final String RATED = "rated-key";
  static final int PER_MINUTE = 20;

  public static class Keyed implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "cft.deploy.keys.api", API + "," + RATED,
          "cft.deploy.keys.serving-required", "true",
          "cft.deploy.limits.requests-per-minute", Integer.toString(PER_MINUTE),
          "cft.deploy.limits.max-tokens", "64",
          "cft.deploy.limits.max-prompt-tokens", "16",
          "cft.deploy.limits.max-body-size", "4K");
    }
  }

  static final ObjectMapper JSON = new ObjectMapper();
  final HttpClient http = HttpClient.newHttpClient();

  @Inject ObjectStore store;
  @Inject ModelRegistry registry;
  @TempDir Path tmp;

  @TestHTTPResource("/")
  URI base;

  record Reply(int status, JsonNode body) {}

  Reply post(String path, String key, String body) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(base.resolve(path))
            .header("Content-Type", "application/json")
            .timeout(Duration.ofSeconds(30))
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (key != null) {
      request.header("Authorization", "Bearer " + key);
    }
    HttpResponse<String> response =
        http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    JsonNode json = response.body().isBlank() ? null : JSON.readTree(response.body());
    return new Reply(response.statusCode(), json);
  }

  static void assertError(Reply reply, int status, String code) {
    assertEquals(status, reply.status(), String.valueOf(reply.body()));
    assertTrue(reply.body() != null && reply.body().path("error").isObject(), "OpenAI's shape");
    if (code != null) {
      assertEquals(code, reply.body().path("error").path("code").asText(), reply.body().toString());
    }
  }

  static String completion(String model, String prompt, int maxTokens) {
    return "{\"model\":\""
        + model
        + "\",\"prompt\":\""
        + prompt
        + "\",\"max_tokens\":"
        + maxTokens
        + ",\"temperature\":0}";
  }

  @Test
  void changingStateNeedsAnAdminKey() throws Exception {
    String rollback = "models/nothing-" + UUID.randomUUID() + "/rollback";
    assertError(post(rollback, null, ""), 401, "missing_api_key");
    assertError(post(rollback, "not-a-key", ""), 401, "invalid_api_key");
    assertError(post(rollback, API, ""), 403, "insufficient_permissions");
    Reply admitted = post(rollback, ADMIN, "");
    assertEquals(409, admitted.status(), "let in: there is just nothing to roll back to");
  }

  @Test
  void servingNeedsAKeyWhenConfiguredSo() throws Exception {
    String body = completion("no-such-model", "hi", 4);
    assertError(post("v1/completions", null, body), 401, "missing_api_key");
    assertError(post("v1/completions", "wrong", body), 401, "invalid_api_key");
    assertError(post("v1/completions", API, body), 404, "model_not_found");
    assertError(post("v1/completions", ADMIN, body), 404, "model_not_found");
  }

  @Test
  void limitsAreTheCallersErrorsNeverAServerError() throws Exception {
    String domain = "access-" + UUID.randomUUID().toString().substring(0, 8);
    Path dir = tmp.resolve("v1");
    TestModels.saveTrained(dir, 5);
    store.uploadDirectory(dir, "models", ModelKeys.version(domain, "v1"));
    registry.promote(domain, "v1", "test", "corr-" + domain, null);
    awaitServed(domain);

    Reply tooMany = post("v1/completions", API, completion(domain, "hi", 100));
    assertError(tooMany, 400, null);
    assertEquals("max_tokens", tooMany.body().path("error").path("param").asText());
    assertError(
        post("v1/completions", API, completion(domain, "a prompt longer than sixteen", 4)),
        400,
        "context_length_exceeded");
    assertError(
        post("v1/completions", API, completion(domain, "x".repeat(5000), 4)),
        413,
        "request_too_large");
    Reply malformed = post("v1/completions", API, "{\"model\": \"" + domain + "\", \"prompt\": ");
    assertEquals(400, malformed.status(), String.valueOf(malformed.body()));
    assertTrue(malformed.body().path("error").isObject(), "OpenAI's shape: " + malformed.body());
    Reply fine = post("v1/completions", API, completion(domain, "hi", 4));
    assertEquals(200, fine.status(), String.valueOf(fine.body()));
  }

  @Test
  void eachKeyHasItsRateAndTheNextRequestIsRefusedWith429() throws Exception {
    String body = completion("no-such-model", "hi", 4);
    for (int i = 0; i < PER_MINUTE; i++) {
      assertEquals(404, post("v1/completions", RATED, body).status(), "request " + (i + 1));
    }
    assertError(post("v1/completions", RATED, body), 429, "rate_limit_exceeded");
    assertEquals(404, post("v1/completions", API, body).status(), "another key has its own");
  }

  private void awaitServed(String domain) throws Exception {
    long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < until) {
      HttpResponse<String> models =
          http.send(
              HttpRequest.newBuilder(base.resolve("v1/models"))
                  .header("Authorization", "Bearer " + API)
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (models.body().contains("\"" + domain + "\"")) {
        return;
      }
      Thread.sleep(250);
    }
    throw new AssertionError(domain + " was not served within 60 s");
  }
}
