package dev.cft.eval.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cft.lm.eval.Metrics;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GateTest {
  static final Gate DEFAULT = new Gate(0.01, 0.02, 0.0, null, null, dev.cft.events.Promotion.AUTO);

  static Metrics loss(double loss) {
    return new Metrics(loss, Math.exp(loss), 0.5, null, 100, 10);
  }

  static Metrics exact(double loss, double exactMatch) {
    return new Metrics(loss, Math.exp(loss), 0.5, exactMatch, 100, 10);
  }

  @Test
  void passesWhenValImprovesEnoughAndRetentionStaysWithinBudget() {
    Gate.Verdict v =
        DEFAULT.judge(
            Map.of("val", loss(1.80), "retention", loss(2.03)),
            Map.of("val", loss(2.00), "retention", loss(2.00)));
    assertTrue(v.passed(), v.reasons().toString());
    assertEquals(java.util.List.of(), v.failedRules());
    assertTrue(
        v.reasons().get(0).startsWith("val loss 1.8000 vs production 2.0000 (-10.00 %)"),
        v.reasons().get(0));
  }

  @Test
  void rejectsTooSmallAnImprovementAndTooMuchForgettingWithBothReasons() {
    Gate.Verdict v =
        DEFAULT.judge(
            Map.of("val", loss(1.995), "retention", loss(2.10)),
            Map.of("val", loss(2.00), "retention", loss(2.00)));
    assertFalse(v.passed());
    assertEquals(java.util.List.of("val_improvement", "retention_budget"), v.failedRules());
    assertEquals(2, v.reasons().size(), v.reasons().toString());
    assertTrue(v.reasons().get(0).contains("must improve by at least 1.00 %"), v.reasons().get(0));
    assertTrue(
        v.reasons()
            .get(1)
            .contains(
                "retention loss 2.1000 vs production 2.0000 (+5.00 %): may worsen by at most 2.00 %"),
        v.reasons().get(1));
  }

  @Test
  void withoutProductionOnlyAbsoluteBoundsApply() throws Exception {
    Gate bounded =
        DEFAULT.with(
            new ObjectMapper().readTree("{\"maxValLoss\": 1.5, \"minGoldenExactMatch\": 0.8}"));
    Gate.Verdict v = bounded.judge(Map.of("val", loss(1.6), "golden", exact(1.0, 0.9)), null);
    assertFalse(v.passed());
    assertEquals(java.util.List.of("max_val_loss"), v.failedRules());
    assertTrue(
        v.reasons().get(0).contains("val loss 1.6000 exceeds the bound 1.5000"),
        v.reasons().toString());
    assertTrue(v.reasons().stream().anyMatch(r -> r.contains("golden exact match 0.900 meets")));
    assertTrue(DEFAULT.judge(Map.of("val", loss(9.0)), null).passed());
  }

  @Test
  void aDomainsGateFileOverridesOnlyWhatItNames() throws Exception {
    Gate strict = DEFAULT.with(new ObjectMapper().readTree("{\"minValLossImprovement\": 0.2}"));
    assertEquals(0.2, strict.minValLossImprovement());
    assertEquals(0.02, strict.maxRetentionLossIncrease());
    assertFalse(strict.judge(Map.of("val", loss(1.8)), Map.of("val", loss(2.0))).passed());
  }

  @Test
  void aCandidateWithoutValExamplesIsNotPromoted() {
    Gate.Verdict v = DEFAULT.judge(Map.of("golden", loss(1.0)), null);
    assertFalse(v.passed());
    assertEquals(java.util.List.of("no_val"), v.failedRules());
    assertTrue(v.reasons().get(0).contains("no val examples"), v.reasons().toString());
  }

  @Test
  void aDomainChoosesManualPromotionAndAnUnknownModeIsNamed() throws Exception {
    ObjectMapper json = new ObjectMapper();
    assertEquals(dev.cft.events.Promotion.AUTO, DEFAULT.promotion());
    assertEquals(
        dev.cft.events.Promotion.MANUAL,
        DEFAULT.with(json.readTree("{\"promotion\": \"manual\"}")).promotion());
    assertEquals(
        dev.cft.events.Promotion.AUTO,
        DEFAULT.with(json.readTree("{\"promotion\": \"Auto\"}")).promotion());
    IllegalArgumentException bad =
        org.junit.jupiter.api.Assertions.assertThrows(
            IllegalArgumentException.class,
            () -> DEFAULT.with(json.readTree("{\"promotion\": \"sometimes\"}")));
    assertTrue(bad.getMessage().contains("promotion is 'sometimes'"), bad.getMessage());
  }
}
