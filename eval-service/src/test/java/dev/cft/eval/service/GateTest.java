package dev.cft.eval.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
    Gate bounded = DEFAULT.with(overrides("{\"maxValLoss\": 1.5, \"minGoldenExactMatch\": 0.8}"));
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
    Gate strict = DEFAULT.with(overrides("{\"minValLossImprovement\": 0.2}"));
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
    assertEquals(dev.cft.events.Promotion.AUTO, DEFAULT.promotion());
    assertEquals(
        dev.cft.events.Promotion.MANUAL,
        DEFAULT.with(overrides("{\"promotion\": \"manual\"}")).promotion());
    assertEquals(
        dev.cft.events.Promotion.AUTO,
        DEFAULT.with(overrides("{\"promotion\": \"Auto\"}")).promotion());
    IllegalArgumentException bad =
        org.junit.jupiter.api.Assertions.assertThrows(
            IllegalArgumentException.class,
            () -> DEFAULT.with(overrides("{\"promotion\": \"sometimes\"}")));
    assertTrue(bad.getMessage().contains("promotion is 'sometimes'"), bad.getMessage());
  }

  @Test
  void aGateFileIsReadStrictlyAndItsErrorsNameTheField() {
    assertEquals(
        "unknown field \"minValLosImprovement\" (known: maxGoldenLossIncrease, maxRetentionLossIncrease,"
            + " maxValLoss, minGoldenExactMatch, minValLossImprovement, promotion)",
        refused("{\"minValLosImprovement\": 0.2}"));
    assertEquals("field \"maxValLoss\" must be a number", refused("{\"maxValLoss\": \"abc\"}"));
    assertEquals("field \"maxValLoss\" must be a number", refused("{\"maxValLoss\": \"1.5\"}"));
    assertEquals(
        "field \"promotion\" must be \"auto\" or \"manual\"", refused("{\"promotion\": true}"));
    assertTrue(refused("{\"maxValLoss\": 1.5,\n}").startsWith("is not JSON: line 2, column 1"));
    assertEquals("must be a JSON object of the gate's settings", refused("[1]"));
    assertEquals(new GateOverrides(null, null, null, null, null, null), overrides("{}"));
  }

  private static String refused(String json) {
    return org.junit.jupiter.api.Assertions.assertThrows(
            IllegalArgumentException.class, () -> overrides(json))
        .getMessage();
  }

  private static GateOverrides overrides(String json) {
    return GateOverrides.read(json.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }
}
