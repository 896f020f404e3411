package dev.cft.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

/** The names are the contract with deployed topics and buckets: a rename must fail here first. */
class TopicsTest {

  @Test
  void mainTopicsAreThoseOfTheArchitecture() {
    assertEquals(
        List.of(
            "ingest.objects",
            "datasets.ready",
            "ingest.rejected",
            "training.jobs",
            "training.progress",
            "candidates.ready",
            "evaluations.completed",
            "models.promoted",
            "fine_tuning.requests",
            "training.cancellations"),
        Topics.ALL);
  }

  @Test
  void dlqAppendsTheSuffix() {
    assertEquals("datasets.ready.dlq", Topics.dlq(Topics.DATASETS_READY));
  }

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(strings = " ")
  void dlqNeedsATopic(String topic) {
    assertThrows(IllegalArgumentException.class, () -> Topics.dlq(topic));
  }

  @Test
  void defaultBucketsAreThoseOfTheArchitecture() {
    assertEquals(
        List.of(
            "ingest", "quarantine", "datasets", "checkpoints", "models", "evals", "fine-tuning"),
        Buckets.ALL);
  }
}
