package dev.cft.deploy.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cft.events.documents.EvaluationReport;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A version's status is derived from the aliases, its verdict and the history. */
class ModelRegistryTest {
  static EvaluationReport verdict(boolean passed) {
    return new EvaluationReport(
        "d",
        "v2",
        "v1",
        Instant.EPOCH,
        "c",
        passed,
        List.of(),
        List.of(),
        null,
        Map.of(),
        Map.of(),
        null);
  }

  @Test
  void productionWinsThenTheVerdictThenTheHistory() {
    assertEquals("production", ModelRegistry.status("v2", "v2", verdict(false), Set.of()));
    assertEquals("rejected", ModelRegistry.status("v2", "v3", verdict(false), Set.of("v2")));
    assertEquals("retired", ModelRegistry.status("v2", "v3", verdict(true), Set.of("v2")));
    assertEquals("candidate", ModelRegistry.status("v2", "v1", verdict(true), Set.of("v1")));
    assertEquals("candidate", ModelRegistry.status("v2", "v1", null, Set.of()), "not judged yet");
  }
}
