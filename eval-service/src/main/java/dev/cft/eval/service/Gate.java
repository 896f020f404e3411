package dev.cft.eval.service;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cft.eval.config.GateConfig;
import dev.cft.lm.eval.Metrics;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * TFX-style promotion rules over candidate and production metrics on the same sets: absolute
 * bounds, a required improvement on the new data, and budgets for forgetting (retention) and for
 * the experts' golden sets. Every rule that applies says why it passed or failed.
 */
public record Gate(
    double minValLossImprovement,
    double maxRetentionLossIncrease,
    double maxGoldenLossIncrease,
    Double maxValLoss,
    Double minGoldenExactMatch) {

  public static final String VAL = "val";
  public static final String RETENTION = "retention";
  public static final String GOLDEN = "golden";

  public record Verdict(boolean passed, List<String> reasons) {}

  public static Gate of(GateConfig config) {
    return new Gate(
        config.minValLossImprovement(),
        config.maxRetentionLossIncrease(),
        config.maxGoldenLossIncrease(),
        config.maxValLoss().orElse(null),
        config.minGoldenExactMatch().orElse(null));
  }

  /** This gate with a domain's overrides ({@code gate.json}) applied. */
  public Gate with(JsonNode overrides) {
    return new Gate(
        overrides.path("minValLossImprovement").asDouble(minValLossImprovement),
        overrides.path("maxRetentionLossIncrease").asDouble(maxRetentionLossIncrease),
        overrides.path("maxGoldenLossIncrease").asDouble(maxGoldenLossIncrease),
        overrides.hasNonNull("maxValLoss")
            ? Double.valueOf(overrides.get("maxValLoss").asDouble())
            : maxValLoss,
        overrides.hasNonNull("minGoldenExactMatch")
            ? Double.valueOf(overrides.get("minGoldenExactMatch").asDouble())
            : minGoldenExactMatch);
  }

  /**
   * @param production null when the domain has no production model: only absolute bounds apply
   */
  public Verdict judge(Map<String, Metrics> candidate, Map<String, Metrics> production) {
    List<String> passes = new ArrayList<>();
    List<String> failures = new ArrayList<>();
    Metrics val = candidate.get(VAL);
    if (val == null) {
      failures.add("the new version has no val examples: nothing to judge the candidate on");
    } else if (maxValLoss != null) {
      check(
          val.loss() <= maxValLoss,
          String.format(
              Locale.ROOT,
              "val loss %.4f %s the bound %.4f",
              val.loss(),
              val.loss() <= maxValLoss ? "is within" : "exceeds",
              maxValLoss),
          passes,
          failures);
    }
    Metrics golden = candidate.get(GOLDEN);
    if (minGoldenExactMatch != null && golden != null && golden.exactMatch() != null) {
      boolean ok = golden.exactMatch() >= minGoldenExactMatch;
      check(
          ok,
          String.format(
              Locale.ROOT,
              "golden exact match %.3f %s the required %.3f",
              golden.exactMatch(),
              ok ? "meets" : "is below",
              minGoldenExactMatch),
          passes,
          failures);
    }
    if (production == null) {
      passes.add("no production model yet: judged on absolute bounds only");
    } else {
      relative(
          VAL,
          candidate,
          production,
          -minValLossImprovement,
          "must improve by at least",
          passes,
          failures);
      relative(
          RETENTION,
          candidate,
          production,
          maxRetentionLossIncrease,
          "may worsen by at most",
          passes,
          failures);
      relative(
          GOLDEN,
          candidate,
          production,
          maxGoldenLossIncrease,
          "may worsen by at most",
          passes,
          failures);
    }
    List<String> reasons = new ArrayList<>(failures);
    reasons.addAll(passes);
    return new Verdict(failures.isEmpty(), reasons);
  }

  /** Candidate loss vs production loss on one set: relative change ≤ {@code allowed}. */
  private static void relative(
      String set,
      Map<String, Metrics> candidate,
      Map<String, Metrics> production,
      double allowed,
      String rule,
      List<String> passes,
      List<String> failures) {
    Metrics c = candidate.get(set);
    Metrics p = production.get(set);
    if (c == null || p == null) {
      return;
    }
    double change = (c.loss() - p.loss()) / p.loss();
    boolean ok = change <= allowed;
    check(
        ok,
        String.format(
            Locale.ROOT,
            "%s loss %.4f vs production %.4f (%+.2f %%): %s %.2f %%",
            set,
            c.loss(),
            p.loss(),
            100 * change,
            rule,
            100 * Math.abs(allowed)),
        passes,
        failures);
  }

  private static void check(boolean ok, String reason, List<String> passes, List<String> failures) {
    (ok ? passes : failures).add(reason);
  }
}
