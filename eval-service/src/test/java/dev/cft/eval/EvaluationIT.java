package dev.cft.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cft.events.CandidateReady;
import dev.cft.events.DatasetReady;
import dev.cft.events.EvaluationCompleted;
import dev.cft.events.EventIds;
import dev.cft.events.ModelKeys;
import dev.cft.events.Topics;
import dev.cft.lm.TestModels;
import dev.cft.runtime.store.ObjectStore;
import dev.cft.stack.DeadLetters;
import dev.cft.stack.test.LocalStackResource;
import dev.cft.stack.test.SharedLocalStack;
import dev.cft.stack.test.TestEvents;
import dev.cft.stack.test.TopicWatcher;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real models (trained here with the model core) in the real store, candidates announced on the
 * real broker: the first is judged on its own, a better one passes against production, a degraded
 * one is rejected with reasons.
 */
@QuarkusTest
@WithTestResource(LocalStackResource.class)
class EvaluationIT {
  static final Duration WAIT = Duration.ofMinutes(2);

  @Inject ObjectStore store;
  @TempDir Path tmp;

  /** A tiny model trained {@code steps} steps (0: freshly initialised), registered as a version. */
  void register(String domain, String version, int steps) throws Exception {
    Path dir = tmp.resolve(version);
    TestModels.saveTrained(dir, steps);
    store.uploadDirectory(dir, "models", ModelKeys.version(domain, version));
  }

  /** A finished dataset version whose val split is {@code valLines}, as ingest writes it. */
  void version(String domain, int version, String valLines) {
    String prefix = DatasetReady.versionPrefix(domain, version);
    store.writeString("datasets", prefix + DatasetReady.VAL_FILE, valLines, "application/x-ndjson");
    store.write(
        "datasets",
        prefix + DatasetReady.MANIFEST_FILE,
        TestEvents.manifest(domain, version, 0, (int) valLines.lines().count()),
        "application/json");
  }

  static void publish(CandidateReady event) throws Exception {
    TestEvents.publish(Topics.CANDIDATES_READY, event.domain(), event);
  }

  static CandidateReady candidate(String domain, String version, int datasetVersion) {
    return new CandidateReady(
        EventIds.random(),
        "corr-" + domain,
        domain,
        Instant.now(),
        "job-" + version,
        version,
        "models",
        ModelKeys.version(domain, version),
        datasetVersion,
        null);
  }

  /** A domain's gate.json asks for manual promotion: the verdict and evaluation.json say so. */
  @Test
  void aManualDomainsVerdictSaysItsPassWaitsForApproval() throws Exception {
    String domain = "manual-" + UUID.randomUUID().toString().substring(0, 8);
    version(domain, 1, TestEvents.ticketLines(0, 8));
    store.writeString(
        "evals", domain + "/gate.json", "{\"promotion\": \"manual\"}", "application/json");
    register(domain, "v1", 15);
    try (TopicWatcher verdicts = new TopicWatcher(Topics.EVALUATIONS_COMPLETED)) {
      publish(candidate(domain, "v1", 1));
      EvaluationCompleted verdict =
          verdicts.await(EvaluationCompleted.class, e -> e.domain().equals(domain), WAIT);
      assertTrue(verdict.passed(), verdict.reasons().toString());
      assertEquals(dev.cft.events.Promotion.MANUAL, verdict.promotion());
      JsonNode evaluation =
          new ObjectMapper().readTree(store.read("models", verdict.evaluationKey()));
      assertEquals(
          "MANUAL", evaluation.path("gate").path("promotion").asText(), evaluation.toString());
    }
  }

  /**
   * A typo in gate.json: the candidate is parked on candidates.ready.dlq with the file and the
   * field named, the service goes on; once the file is fixed, the candidate sent back is judged.
   */
  @Test
  void aBadGateFileParksTheCandidateUntilItIsFixedAndSentBack() throws Exception {
    String domain = "badgate-" + UUID.randomUUID().toString().substring(0, 8);
    String dlq = Topics.dlq(Topics.CANDIDATES_READY);
    version(domain, 1, TestEvents.ticketLines(0, 8));
    store.writeString("evals", domain + "/gate.json", "{\"maxValLos\": 100}", "application/json");
    register(domain, "v1", 15);
    try (DeadLetters letters = new DeadLetters(SharedLocalStack.get().kafkaBootstrap());
        TopicWatcher verdicts = new TopicWatcher(Topics.EVALUATIONS_COMPLETED)) {
      publish(candidate(domain, "v1", 1));
      DeadLetters.Parked parked = awaitParked(letters, dlq, domain);
      assertEquals(Topics.CANDIDATES_READY, parked.from());
      assertTrue(
          parked
              .reason()
              .contains("s3://evals/" + domain + "/gate.json: unknown field \"maxValLos\""),
          parked.reason());

      store.writeString(
          "evals", domain + "/gate.json", "{\"maxValLoss\": 100}", "application/json");
      List<DeadLetters.Parked> sent = letters.sendBack(dlq);
      assertTrue(sent.stream().anyMatch(p -> domain.equals(p.key())), sent.toString());
      EvaluationCompleted verdict =
          verdicts.await(EvaluationCompleted.class, e -> e.domain().equals(domain), WAIT);
      assertTrue(verdict.passed(), verdict.reasons().toString());
      assertTrue(letters.pending(dlq).stream().noneMatch(p -> domain.equals(p.key())));
    }
  }

  private static DeadLetters.Parked awaitParked(DeadLetters letters, String dlq, String key)
      throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      if (letters.topics().contains(dlq)) {
        for (DeadLetters.Parked p : letters.pending(dlq)) {
          if (key.equals(p.key())) {
            return p;
          }
        }
      }
      Thread.sleep(500);
    }
    throw new AssertionError("no record of " + key + " parked on " + dlq);
  }

  @Test
  void firstCandidateAloneThenABetterOnePassesAndADegradedOneIsRejected() throws Exception {
    String domain = "eval-" + UUID.randomUUID().toString().substring(0, 8);
    version(domain, 1, TestEvents.ticketLines(0, 12));
    version(domain, 2, TestEvents.ticketLines(12, 24));
    store.writeString(
        "evals", domain + "/golden.jsonl", TestEvents.ticketLines(24, 30), "application/x-ndjson");
    register(domain, "v1", 15);
    register(domain, "v2", 120);
    register(domain, "v3", 0);

    try (TopicWatcher verdicts = new TopicWatcher(Topics.EVALUATIONS_COMPLETED)) {
      publish(candidate(domain, "v1", 1));
      EvaluationCompleted first =
          verdicts.await(EvaluationCompleted.class, e -> e.domain().equals(domain), WAIT);
      assertTrue(first.passed(), first.reasons().toString());
      assertNull(first.productionVersion());
      assertNull(first.productionMetrics());
      assertTrue(first.candidateMetrics().containsKey("val.loss"));
      assertTrue(first.candidateMetrics().containsKey("golden.exact_match"));
      assertEquals(dev.cft.events.Promotion.AUTO, first.promotion(), "the default mode");

      store.writeString(
          "models",
          ModelKeys.alias(domain, ModelKeys.PRODUCTION),
          "{\"version\":\"v1\"}",
          "application/json");
      publish(candidate(domain, "v2", 2));
      publish(candidate(domain, "v3", 2));
      EvaluationCompleted better =
          verdicts.await(
              EvaluationCompleted.class,
              e -> e.domain().equals(domain) && e.modelVersion().equals("v2"),
              WAIT);
      EvaluationCompleted worse =
          verdicts.await(
              EvaluationCompleted.class,
              e -> e.domain().equals(domain) && e.modelVersion().equals("v3"),
              WAIT);

      assertEquals("v1", better.productionVersion());
      assertTrue(better.passed(), better.reasons().toString());
      assertTrue(
          better.candidateMetrics().get("val.loss") < better.productionMetrics().get("val.loss"));
      assertTrue(
          better.candidateMetrics().containsKey("retention.loss"),
          "v1's val split is the retention set");

      assertFalse(worse.passed());
      assertTrue(worse.reasons().get(0).startsWith("val loss"), worse.reasons().toString());
      assertTrue(
          worse.reasons().get(0).contains("must improve by at least 1.00 %"),
          worse.reasons().get(0));

      JsonNode evaluation =
          new ObjectMapper().readTree(store.read("models", worse.evaluationKey()));
      assertFalse(evaluation.path("passed").asBoolean());
      assertEquals("v1", evaluation.path("productionVersion").asText());
      assertEquals(
          worse.candidateMetrics().get("val.loss"),
          evaluation.path("candidate").path("val").path("loss").asDouble(),
          1e-9);
      assertEquals(12, evaluation.path("sets").path("val").asInt());
      assertEquals(12, evaluation.path("sets").path("retention").asInt());
      assertEquals(6, evaluation.path("sets").path("golden").asInt());

      // Delivered again (production has moved meanwhile): the stored verdict, not a new one.
      store.writeString(
          "models",
          ModelKeys.alias(domain, ModelKeys.PRODUCTION),
          "{\"version\":\"v2\"}",
          "application/json");
      byte[] stored = store.read("models", worse.evaluationKey());
      publish(candidate(domain, "v3", 2));
      EvaluationCompleted again =
          verdicts.await(
              EvaluationCompleted.class,
              e ->
                  e.domain().equals(domain)
                      && e.modelVersion().equals("v3")
                      && e.occurredAt().isAfter(worse.occurredAt()),
              WAIT);
      assertEquals(worse.eventId(), again.eventId(), "the same verdict event");
      assertEquals("v1", again.productionVersion(), "judged against what it was judged against");
      assertEquals(worse.reasons(), again.reasons());
      assertArrayEquals(
          stored, store.read("models", worse.evaluationKey()), "evaluation.json kept");
    }
  }
}
