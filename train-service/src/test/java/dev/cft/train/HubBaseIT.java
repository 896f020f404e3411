package dev.cft.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cft.events.CandidateReady;
import dev.cft.events.ModelKeys;
import dev.cft.events.Topics;
import dev.cft.events.TrainingJobEvent;
import dev.cft.lm.TestModels;
import dev.cft.lm.hub.HubSnapshot;
import dev.cft.lm.hub.LocalHub;
import dev.cft.runtime.store.ObjectStore;
import dev.cft.stack.test.LocalStackResource;
import dev.cft.stack.test.TopicWatcher;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * {@code baseModel: hf:<repo>}: a base pulled from a server with the Hub's URL layout (no network
 * here), checked against its digests, kept in the store and trained from.
 */
@QuarkusTest
@WithTestResource(LocalStackResource.class)
@WithTestResource(HubBaseIT.Hub.class)
class HubBaseIT {
  static final Duration WAIT = Duration.ofMinutes(3);
  static final ObjectMapper JSON = new ObjectMapper();

  /** The Hub for this test: a small trained GPT-2, published whole and with corrupt weights. */
  public static final class Hub implements QuarkusTestResourceLifecycleManager {
    static LocalHub hub;

    @Override
    public Map<String, String> start() {
      try {
        hub = new LocalHub();
        Path dir = Files.createTempDirectory("hub-base-");
        TestModels.saveTrained(dir, 20);
        hub.putDirectory("it-org/tiny-base", "main", dir);
        hub.putDirectory("it-org/corrupt", "main", dir);
        hub.corrupt("it-org/corrupt", "main", "model.safetensors");
        return Map.of("cft.train.hub.endpoint", hub.endpoint().toString());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public void stop() {
      hub.close();
    }
  }

  @Inject ObjectStore store;

  long weightDownloads() {
    return Hub.hub.requests().stream()
        .filter(r -> r.method().equals("GET") && r.path().startsWith("/blobs/"))
        .count();
  }

  void useBase(String domain, String base) {
    store.writeString(
        "models",
        ModelKeys.training(domain),
        "{\"baseModel\": \"" + base + "\"}",
        "application/json");
  }

  @Test
  void aHubBaseIsPulledOnceIntoTheStoreAndTrainedFrom() throws Exception {
    String first = "hub-a-" + UUID.randomUUID().toString().substring(0, 8);
    String second = "hub-b-" + UUID.randomUUID().toString().substring(0, 8);
    useBase(first, "hf:it-org/tiny-base");
    useBase(second, "hf:it-org/tiny-base");
    TrainingJobIT.Datasets datasets = new TrainingJobIT.Datasets(store);
    long before = weightDownloads(); // the other test's
    try (TopicWatcher candidates = new TopicWatcher(Topics.CANDIDATES_READY)) {
      TrainingJobIT.publish(datasets.dataset(first, 1, 0, 40));
      CandidateReady a =
          candidates.await(CandidateReady.class, e -> e.domain().equals(first), WAIT);
      JsonNode card = JSON.readTree(store.read("models", a.modelPrefix() + ModelKeys.CARD));
      assertEquals("base/it-org--tiny-base/", card.path("lineage").path("startedFrom").asText());
      HubSnapshot snapshot =
          HubSnapshot.read(store.read("models", "base/it-org--tiny-base/" + HubSnapshot.FILE));
      assertEquals(LocalHub.commitOf("it-org/tiny-base", "main"), snapshot.commit());
      assertTrue(store.exists("models", "base/it-org--tiny-base/model.safetensors"));
      assertEquals(before + 1, weightDownloads());

      TrainingJobIT.publish(datasets.dataset(second, 1, 0, 40));
      candidates.await(CandidateReady.class, e -> e.domain().equals(second), WAIT);
      assertEquals(before + 1, weightDownloads(), "the second job reads the base from the store");
    }
  }

  @Test
  void aBaseThatDoesNotMatchTheHubsDigestFailsTheJobWithTheReason() throws Exception {
    String domain = "hub-bad-" + UUID.randomUUID().toString().substring(0, 8);
    useBase(domain, "hf:it-org/corrupt");
    try (TopicWatcher jobs = new TopicWatcher(Topics.TRAINING_JOBS)) {
      TrainingJobIT.publish(new TrainingJobIT.Datasets(store).dataset(domain, 1, 0, 40));
      TrainingJobEvent failed =
          jobs.await(
              TrainingJobEvent.class,
              e -> e.domain().equals(domain) && e.state() == TrainingJobEvent.State.FAILED,
              WAIT);
      assertTrue(
          failed.message().contains("model.safetensors of it-org/corrupt@main does not match"),
          failed.message());
      assertFalse(store.exists("models", "base/it-org--corrupt/" + HubSnapshot.FILE));
    }
  }
}
