package dev.cft.eval.service;

import dev.cft.eval.config.GateConfig;
import dev.cft.events.Promotion;
import dev.cft.lm.eval.Metrics;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * TFX-style promotion rules over candidate and production metrics on the same sets: absolute
 * bounds, a required improvement on the new data, and budgets for forgetting (retention) and for
 * the experts' golden sets. Every rule that applies says why it passed or failed. {@code promotion}
 * says what a pass leads to: production at once, or a person's approval.
 */
public record Gate(
    double minValLossImprovement,
    double maxRetentionLossIncrease,
    double maxGoldenLossIncrease,
    Double maxValLoss,
    Double minGoldenExactMatch,
    Promotion promotion) {

  public static final String VAL = "val";
  public static final String RETENTION = "retention";
  public static final String GOLDEN = "golden";

  /**
   * @param reasons failures first, then the rules met, in words
   * @param failedRules the rules that failed, as metric tags ({@code val_improvement}, ...)
   */
  public record Verdict(boolean passed, List<String> reasons, List<String> failedRules) {}

  /** The findings of one judgement, in words and by rule. */
  private static final class Findings {
    final List<String> passes = new ArrayList<>();
    final List<String> failures = new ArrayList<>();
    final List<String> failedRules = new ArrayList<>();

    void check(boolean ok, String rule, String reason) {
      if (ok) {
        passes.add(reason);
      } else {
        failures.add(reason);
        failedRules.add(rule);
      }
    }

    Verdict verdict() {
      List<String> reasons = new ArrayList<>(failures);
      reasons.addAll(passes);
      return new Verdict(failures.isEmpty(), reasons, List.copyOf(failedRules));
    }
  }

  public static Gate of(GateConfig config) {
    return new Gate(
        config.minValLossImprovement(),
        config.maxRetentionLossIncrease(),
        config.maxGoldenLossIncrease(),
        config.maxValLoss().orElse(null),
        config.minGoldenExactMatch().orElse(null),
        Promotion.parse(config.promotion()));
  }

  /**
   * This gate with a domain's overrides ({@code gate.json}) applied.
   *
   * @throws IllegalArgumentException for a promotion mode that is neither auto nor manual
   */
  public Gate with(GateOverrides overrides) {
    return new Gate(
        or(overrides.minValLossImprovement(), minValLossImprovement),
        or(overrides.maxRetentionLossIncrease(), maxRetentionLossIncrease),
        or(overrides.maxGoldenLossIncrease(), maxGoldenLossIncrease),
        or(overrides.maxValLoss(), maxValLoss),
        or(overrides.minGoldenExactMatch(), minGoldenExactMatch),
        overrides.promotion() == null ? promotion : Promotion.parse(overrides.promotion()));
  }

  private static <T> T or(T override, T value) {
    return override == null ? value : override;
  }

  /**
   * @param production null when the domain has no production model: only absolute bounds apply
   */
  public Verdict judge(Map<String, Metrics> candidate, Map<String, Metrics> production) {
    Findings findings = new Findings();
    Metrics val = candidate.get(VAL);
    if (val == null) {
      findings.check(
          false,
          "no_val",
          "the new version has no val examples: nothing to judge the candidate on");
    } else if (maxValLoss != null) {
      findings.check(
          val.loss() <= maxValLoss,
          "max_val_loss",
          String.format(
              Locale.ROOT,
              "val loss %.4f %s the bound %.4f",
              val.loss(),
              val.loss() <= maxValLoss ? "is within" : "exceeds",
              maxValLoss));
    }
    Metrics golden = candidate.get(GOLDEN);
    if (minGoldenExactMatch != null && golden != null && golden.exactMatch() != null) {
      boolean ok = golden.exactMatch() >= minGoldenExactMatch;
      findings.check(
          ok,
          "min_golden_exact_match",
          String.format(
              Locale.ROOT,
              "golden exact match %.3f %s the required %.3f",
              golden.exactMatch(),
              ok ? "meets" : "is below",
              minGoldenExactMatch));
    }
    if (production == null) {
      findings.passes.add("no production model yet: judged on absolute bounds only");
    } else {
      relative(
          findings,
          "val_improvement",
          VAL,
          candidate,
          production,
          -minValLossImprovement,
          "must improve by at least");
      relative(
          findings,
          "retention_budget",
          RETENTION,
          candidate,
          production,
          maxRetentionLossIncrease,
          "may worsen by at most");
      relative(
          findings,
          "golden_budget",
          GOLDEN,
          candidate,
          production,
          maxGoldenLossIncrease,
          "may worsen by at most");
    }
    return findings.verdict();
  }

  /** Candidate loss vs production loss on one set: relative change ≤ {@code allowed}. */
  private static void relative(
      Findings findings,
      String ruleId,
      String set,
      Map<String, Metrics> candidate,
      Map<String, Metrics> production,
      double allowed,
      String rule) {
    Metrics c = candidate.get(set);
    Metrics p = production.get(set);
    if (c == null || p == null) {
      return;
    }
    double change = (c.loss() - p.loss()) / p.loss();
    boolean ok = change <= allowed;
    findings.check(
        ok,
        ruleId,
        String.format(
            Locale.ROOT,
            "%s loss %.4f vs production %.4f (%+.2f %%): %s %.2f %%",
            set,
            c.loss(),
            p.loss(),
            100 * change,
            rule,
            100 * Math.abs(allowed)));
  }
}
