package dev.cft.eval.metrics;

import dev.cft.lm.eval.Metrics;
import dev.cft.runtime.metrics.Histograms;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Evaluation's metrics; names in docs/operations.md, "Metrics". */
@ApplicationScoped
public class EvalMetrics {
  /** The metrics of a set that say how good a model is (counts are left out). */
  private static final List<String> QUALITY =
      List.of("loss", "perplexity", "token_accuracy", "exact_match");

  private record Key(String domain, String model, String set, String metric) {}

  private final MeterRegistry registry;
  private final Map<Key, Double> last = new ConcurrentHashMap<>();

  public EvalMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  /**
   * One evaluation: both models' figures per set (as the last values of each domain), the verdict
   * with its first failed rule as the reason, and how long it took.
   *
   * @param production null when the domain had no production model
   */
  public void evaluated(
      String domain,
      Map<String, Metrics> candidate,
      Map<String, Metrics> production,
      boolean passed,
      List<String> failedRules,
      Duration took) {
    figures(domain, "candidate", candidate);
    if (production != null) {
      figures(domain, "production", production);
    }
    String reason =
        !failedRules.isEmpty()
            ? failedRules.get(0)
            : production == null ? "first_model" : "all_rules_met";
    registry
        .counter(
            "cft.eval.verdicts",
            "domain",
            domain,
            "verdict",
            passed ? "passed" : "rejected",
            "reason",
            reason)
        .increment();
    Histograms.timer(
            "cft.eval.duration",
            "One evaluation: both models scored on every set, and the gate",
            Duration.ofMillis(100),
            Duration.ofHours(2))
        .tag("domain", domain)
        .register(registry)
        .record(took);
  }

  private void figures(String domain, String model, Map<String, Metrics> sets) {
    sets.forEach(
        (set, metrics) ->
            metrics
                .asMap()
                .forEach(
                    (name, value) -> {
                      if (QUALITY.contains(name) && value instanceof Number number) {
                        Key key = new Key(domain, model, set, name);
                        if (last.put(key, number.doubleValue()) == null) {
                          Gauge.builder(
                                  "cft.eval.metric", last, l -> l.getOrDefault(key, Double.NaN))
                              .description("The last evaluation's figure of a model on a set")
                              .tags("domain", domain, "model", model, "set", set, "metric", name)
                              .register(registry);
                        }
                      }
                    }));
  }
}
