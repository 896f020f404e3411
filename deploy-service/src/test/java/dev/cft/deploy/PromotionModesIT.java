package dev.cft.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cft.events.EvaluationCompleted;
import dev.cft.events.ModelKeys;
import dev.cft.events.ModelPromoted;
import dev.cft.events.Promotion;
import dev.cft.events.Topics;
import dev.cft.lm.TestModels;
import dev.cft.runtime.store.ObjectStore;
import dev.cft.stack.test.LocalStackResource;
import dev.cft.stack.test.SharedLocalStack;
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
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A domain whose gate says {@code "promotion": "manual"}: a candidate that passed waits as {@code
 * approved-pending} while production stays; an operator (admin key) promotes it or rejects it by
 * hand, and each decision is in the history with the operator's key digest, the reason and the
 * version's correlation id, rollback included. Real broker, real store.
 */
@QuarkusTest
@WithTestResource(LocalStackResource.class)
class PromotionModesIT {
  static final Duration WAIT = Duration.ofMinutes(2);
  static final ObjectMapper JSON = new ObjectMapper();
  static final String ADMIN = "test-admin-key";

  @Inject ObjectStore store;
  @TempDir Path tmp;

  @TestHTTPResource("/")
  URL base;

  @Test
  void aManualDomainWaitsForAnOperatorWhoseDecisionsAreInTheHistory() throws Exception {
    String domain = "manual-" + UUID.randomUUID().toString().substring(0, 8);
    register(domain, "v1", true);
    register(domain, "v2", true);
    register(domain, "v3", false);

    RecordMetadata sent =
        TestEvents.publish(
            Topics.EVALUATIONS_COMPLETED, domain, verdict(domain, "v1", true, Promotion.MANUAL));
    awaitConsumed(sent);
    JsonNode waiting = registry(domain);
    assertTrue(waiting.path("production").isNull(), "a pass does not move production: " + waiting);
    assertEquals("approved-pending", status(waiting, "v1"));
    assertEquals(0, waiting.path("history").size());

    assertEquals(401, post(domain, "v1", "promote", null, "{}").statusCode(), "no key");
    try (TopicWatcher promotions = new TopicWatcher(Topics.MODELS_PROMOTED)) {
      HttpResponse<String> promoted =
          post(domain, "v1", "promote", ADMIN, "{\"reason\": \"checked by legal\"}");
      assertEquals(200, promoted.statusCode(), promoted.body());
      assertEquals("v1", JSON.readTree(promoted.body()).path("production").asText());
      ModelPromoted event =
          promotions.await(ModelPromoted.class, e -> e.domain().equals(domain), WAIT);
      assertEquals("v1", event.modelVersion());
      assertEquals(chain(domain, "v1"), event.correlationId(), "the version's chain goes on");
    }
    JsonNode history = registry(domain).path("history");
    JsonNode approval = history.get(0);
    assertEquals("PROMOTED", approval.path("action").asText());
    assertEquals("checked by legal", approval.path("reason").asText());
    assertEquals(chain(domain, "v1"), approval.path("correlationId").asText());
    String actor = approval.path("actor").asText();
    assertFalse(actor.isBlank(), "the operator is named: " + approval);
    assertFalse(actor.contains(ADMIN), "by the digest of the key, never the key: " + actor);

    assertEquals(409, post(domain, "v3", "promote", ADMIN, null).statusCode(), "failed the gate");
    assertEquals(404, post(domain, "v9", "promote", ADMIN, null).statusCode(), "no such version");
    assertEquals(409, post(domain, "v1", "reject", ADMIN, null).statusCode(), "production");

    HttpResponse<String> rejected =
        post(domain, "v2", "reject", ADMIN, "{\"reason\": \"answers too long\"}");
    assertEquals(200, rejected.statusCode(), rejected.body());
    JsonNode afterReject = registry(domain);
    assertEquals("rejected", status(afterReject, "v2"));
    assertEquals("v1", afterReject.path("production").asText());
    JsonNode rejection = afterReject.path("history").get(1);
    assertEquals("REJECTED", rejection.path("action").asText());
    assertEquals("v2", rejection.path("version").asText());
    assertEquals("answers too long", rejection.path("reason").asText());
    assertEquals(chain(domain, "v2"), rejection.path("correlationId").asText());
    assertEquals(actor, rejection.path("actor").asText());

    // The operator changes their mind: a version that passed can still be promoted by hand.
    assertEquals(200, post(domain, "v2", "promote", ADMIN, null).statusCode());
    assertEquals("production", status(registry(domain), "v2"));
    try (TopicWatcher promotions = new TopicWatcher(Topics.MODELS_PROMOTED)) {
      HttpResponse<String> back =
          send(
              HttpRequest.newBuilder(URI.create(base + "models/" + domain + "/rollback"))
                  .header("Authorization", "Bearer " + ADMIN)
                  .POST(HttpRequest.BodyPublishers.noBody()));
      assertEquals(200, back.statusCode(), back.body());
      ModelPromoted event =
          promotions.await(
              ModelPromoted.class,
              e -> e.domain().equals(domain) && e.action() == ModelPromoted.Action.ROLLED_BACK,
              WAIT);
      assertEquals(chain(domain, "v1"), event.correlationId(), "rollback keeps v1's chain");
    }
    JsonNode rolledBack = registry(domain);
    assertEquals("v1", rolledBack.path("production").asText());
    JsonNode last = rolledBack.path("history").get(rolledBack.path("history").size() - 1);
    assertEquals("ROLLED_BACK", last.path("action").asText());
    assertEquals(chain(domain, "v1"), last.path("correlationId").asText());
    assertEquals(actor, last.path("actor").asText());
    assertEquals("retired", status(rolledBack, "v2"));
  }

  @Test
  void anAutoDomainsPassStillPromotesAtOnceWithoutAnActor() throws Exception {
    String domain = "auto-" + UUID.randomUUID().toString().substring(0, 8);
    register(domain, "v1", true, Promotion.AUTO);
    try (TopicWatcher promotions = new TopicWatcher(Topics.MODELS_PROMOTED)) {
      TestEvents.publish(
          Topics.EVALUATIONS_COMPLETED, domain, verdict(domain, "v1", true, Promotion.AUTO));
      promotions.await(ModelPromoted.class, e -> e.domain().equals(domain), WAIT);
    }
    JsonNode entry = registry(domain).path("history").get(0);
    assertEquals("PROMOTED", entry.path("action").asText());
    assertTrue(
        entry.path("actor").isNull() || entry.path("actor").isMissingNode(),
        "the gate decided: " + entry);
  }

  /** A person's rejection holds against the gate's pass that comes after it, and rollback. */
  @Test
  void aVersionRejectedByHandIsNotPromotedByItsPassNorByARollback() throws Exception {
    String domain = "veto-" + UUID.randomUUID().toString().substring(0, 8);
    register(domain, "v1", true, Promotion.AUTO);
    assertEquals(
        200, post(domain, "v1", "reject", ADMIN, "{\"reason\": \"not yet\"}").statusCode());
    awaitConsumed(
        TestEvents.publish(
            Topics.EVALUATIONS_COMPLETED, domain, verdict(domain, "v1", true, Promotion.AUTO)));
    JsonNode after = registry(domain);
    assertTrue(after.path("production").isNull(), "the pass is vetoed: " + after);
    assertEquals("rejected", status(after, "v1"));

    register(domain, "v2", true, Promotion.AUTO);
    assertEquals(200, post(domain, "v2", "promote", ADMIN, null).statusCode());
    register(domain, "v3", true, Promotion.AUTO);
    assertEquals(200, post(domain, "v3", "promote", ADMIN, null).statusCode());
    assertEquals(200, post(domain, "v2", "reject", ADMIN, null).statusCode(), "previous, rejected");
    HttpResponse<String> rollback =
        send(
            HttpRequest.newBuilder(URI.create(base + "models/" + domain + "/rollback"))
                .header("Authorization", "Bearer " + ADMIN)
                .POST(HttpRequest.BodyPublishers.noBody()));
    assertEquals(
        409, rollback.statusCode(), "no rollback onto a rejected version: " + rollback.body());
    assertEquals("v3", registry(domain).path("production").asText());
  }

  void register(String domain, String version, boolean passed) throws Exception {
    register(domain, version, passed, Promotion.MANUAL);
  }

  void register(String domain, String version, boolean passed, Promotion promotion)
      throws Exception {
    Path dir = tmp.resolve(domain + "-" + version);
    TestModels.saveTrained(dir, 10);
    store.uploadDirectory(dir, "models", ModelKeys.version(domain, version));
    RegistryDocuments.write(
        store,
        domain,
        version,
        passed,
        passed ? "val loss improved" : "val loss worse",
        promotion,
        chain(domain, version));
  }

  static String chain(String domain, String version) {
    return "corr-" + domain + "-" + version;
  }

  static EvaluationCompleted verdict(
      String domain, String version, boolean passed, Promotion promotion) {
    return RegistryDocuments.verdict(domain, version, passed, chain(domain, version), promotion);
  }

  /** Until deploy's verdict consumer has committed past {@code sent}. */
  static void awaitConsumed(RecordMetadata sent) throws Exception {
    Properties props = new Properties();
    props.put("bootstrap.servers", SharedLocalStack.get().kafkaBootstrap());
    TopicPartition partition = new TopicPartition(sent.topic(), sent.partition());
    long deadline = System.nanoTime() + WAIT.toNanos();
    try (Admin admin = Admin.create(props)) {
      while (true) {
        var offset =
            admin
                .listConsumerGroupOffsets("deploy-service")
                .partitionsToOffsetAndMetadata()
                .get()
                .get(partition);
        if (offset != null && offset.offset() > sent.offset()) {
          return;
        }
        if (System.nanoTime() > deadline) {
          throw new AssertionError("deploy-service never consumed " + sent);
        }
        Thread.sleep(200);
      }
    }
  }

  JsonNode registry(String domain) throws Exception {
    HttpResponse<String> r =
        send(HttpRequest.newBuilder(URI.create(base + "models/" + domain)).GET());
    assertEquals(200, r.statusCode(), r.body());
    return JSON.readTree(r.body());
  }

  static String status(JsonNode registry, String version) {
    for (JsonNode v : registry.path("versions")) {
      if (v.path("version").asText().equals(version)) {
        return v.path("status").asText();
      }
    }
    throw new AssertionError("no " + version + " in " + registry);
  }

  HttpResponse<String> post(String domain, String version, String decision, String key, String body)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(
            URI.create(base + "models/" + domain + "/versions/" + version + "/" + decision));
    if (key != null) {
      request.header("Authorization", "Bearer " + key);
    }
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    return send(
        request.POST(
            body == null
                ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body)));
  }

  static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                request.timeout(Duration.ofSeconds(60)).build(),
                HttpResponse.BodyHandlers.ofString());
    assertNotNull(response);
    return response;
  }
}
