package dev.cft.deploy.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cft.events.Promotion;
import dev.cft.events.documents.EvaluationReport;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A version's status is derived from the aliases, its verdict and the history. */
class ModelRegistryTest {
  static EvaluationReport verdict(boolean passed) {
    return verdict(passed, null);
  }

  static EvaluationReport verdict(boolean passed, Promotion promotion) {
    return new EvaluationReport(
        "d",
        "v2",
        "v1",
        Instant.EPOCH,
        "c",
        passed,
        List.of(),
        List.of(),
        promotion == null ? null : new EvaluationReport.Gate(0.01, 0.02, 0, null, null, promotion),
        Map.of(),
        Map.of(),
        null);
  }

  static String status(String version, String production, EvaluationReport v, Set<String> moved) {
    return ModelRegistry.status(version, production, v, moved, Set.of());
  }

  @Test
  void productionWinsThenTheVerdictThenTheHistory() {
    assertEquals("production", status("v2", "v2", verdict(false), Set.of()));
    assertEquals("rejected", status("v2", "v3", verdict(false), Set.of("v2")));
    assertEquals("retired", status("v2", "v3", verdict(true), Set.of("v2")));
    assertEquals("candidate", status("v2", "v1", verdict(true), Set.of("v1")));
    assertEquals("candidate", status("v2", "v1", null, Set.of()), "not judged yet");
  }

  @Test
  void aPassInAManualDomainWaitsAndAPersonsRejectionIsFinalUntilPromoted() {
    assertEquals("approved-pending", status("v2", "v1", verdict(true, Promotion.MANUAL), Set.of()));
    assertEquals("candidate", status("v2", "v1", verdict(true, Promotion.AUTO), Set.of()));
    assertEquals("rejected", status("v2", "v1", verdict(false, Promotion.MANUAL), Set.of()));
    assertEquals(
        "rejected",
        ModelRegistry.status("v2", "v1", verdict(true, Promotion.MANUAL), Set.of(), Set.of("v2")),
        "turned down by a person");
    assertEquals(
        "retired",
        status("v2", "v3", verdict(true, Promotion.MANUAL), Set.of("v2")),
        "promoted by hand, then replaced");
    assertEquals("production", status("v2", "v2", verdict(true, Promotion.MANUAL), Set.of()));
  }
}
