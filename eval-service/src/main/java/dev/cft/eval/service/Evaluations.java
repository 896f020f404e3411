package dev.cft.eval.service;

import dev.cft.events.CandidateReady;
import dev.cft.events.EvaluationCompleted;
import dev.cft.events.EventIds;
import dev.cft.events.documents.EvaluationReport;
import dev.cft.events.documents.EvaluationReport.SetMetrics;
import dev.cft.lm.eval.Metrics;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * A judgement as {@code evaluation.json} keeps it ({@link EvaluationReport}), and the {@link
 * EvaluationCompleted} made from it: from a fresh report, or from the stored one on a redelivery.
 */
final class Evaluations {
  private Evaluations() {}

  /**
   * @param production the version compared with; null without a production model
   * @param sizes examples in each set scored
   * @param productionMetrics null without a production model
   */
  static EvaluationReport report(
      CandidateReady candidate,
      String production,
      Instant at,
      Gate gate,
      Gate.Verdict verdict,
      Map<String, Integer> sizes,
      Map<String, Metrics> candidateMetrics,
      Map<String, Metrics> productionMetrics) {
    return new EvaluationReport(
        candidate.domain(),
        candidate.modelVersion(),
        production,
        at,
        candidate.correlationId(),
        verdict.passed(),
        verdict.reasons(),
        verdict.failedRules(),
        new EvaluationReport.Gate(
            gate.minValLossImprovement(),
            gate.maxRetentionLossIncrease(),
            gate.maxGoldenLossIncrease(),
            gate.maxValLoss(),
            gate.minGoldenExactMatch(),
            gate.promotion()),
        sizes,
        perSet(candidateMetrics),
        productionMetrics == null ? null : perSet(productionMetrics));
  }

  private static Map<String, SetMetrics> perSet(Map<String, Metrics> metrics) {
    Map<String, SetMetrics> sets = new LinkedHashMap<>();
    metrics.forEach(
        (set, m) ->
            sets.put(
                set,
                new SetMetrics(
                    m.loss(),
                    m.perplexity(),
                    m.tokenAccuracy(),
                    m.exactMatch(),
                    m.tokens(),
                    m.examples())));
    return sets;
  }

  /**
   * @param key where the report is, in the candidate's bucket
   */
  static EvaluationCompleted event(CandidateReady candidate, EvaluationReport report, String key) {
    return new EvaluationCompleted(
        EventIds.deterministic("EvaluationCompleted", candidate.domain(), candidate.modelVersion()),
        candidate.correlationId(),
        candidate.domain(),
        Instant.now(),
        candidate.modelVersion(),
        report.productionVersion(),
        report.passed(),
        report.reasons(),
        flat(report.candidate()),
        flat(report.production()),
        candidate.modelBucket(),
        candidate.modelPrefix(),
        key,
        report.promotionMode());
  }

  /**
   * {@code val.loss}, {@code golden.exact_match}, ...: the event's flat metric maps, without the
   * figures that are absent or not finite (a diverged model's loss).
   */
  static Map<String, Double> flat(Map<String, SetMetrics> sets) {
    if (sets == null) {
      return null;
    }
    Map<String, Double> flat = new TreeMap<>();
    sets.forEach(
        (set, m) -> {
          put(flat, set + ".loss", m.loss());
          put(flat, set + ".perplexity", m.perplexity());
          put(flat, set + ".token_accuracy", m.tokenAccuracy());
          put(flat, set + ".exact_match", m.exactMatch());
          put(flat, set + ".tokens", (double) m.tokens());
          put(flat, set + ".examples", (double) m.examples());
        });
    return flat;
  }

  private static void put(Map<String, Double> flat, String name, Double value) {
    if (value != null && Double.isFinite(value)) {
      flat.put(name, value);
    }
  }
}
