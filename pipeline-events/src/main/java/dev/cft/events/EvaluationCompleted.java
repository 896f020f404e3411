package dev.cft.events;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The verdict of the gate on a candidate, both models measured on the same sets in one run. Carries
 * the candidate's location so the deploy stage needs nothing but this event.
 *
 * @param productionVersion what the candidate was compared with; null when the domain has none yet
 * @param reasons why it passed or failed, one line per gate rule; may be empty
 * @param candidateMetrics metric name to value, e.g. {@code val.loss}, {@code retention.perplexity}
 * @param productionMetrics the same names for production; null when there is no production model
 * @param evaluationKey the full {@code evaluation.json} report in {@code modelBucket}
 * @param promotion what a pass leads to: production at once ({@code AUTO}, also for an event
 *     without the field) or a wait for a person's approval ({@code MANUAL})
 */
public record EvaluationCompleted(
    String eventId,
    String correlationId,
    String domain,
    Instant occurredAt,
    String modelVersion,
    String productionVersion,
    boolean passed,
    List<String> reasons,
    Map<String, Double> candidateMetrics,
    Map<String, Double> productionMetrics,
    String modelBucket,
    String modelPrefix,
    String evaluationKey,
    Promotion promotion)
    implements PipelineEvent {

  /** Whether a pass must wait for a person's approval (an event without the field: no). */
  public boolean awaitsApproval() {
    return promotion == Promotion.MANUAL;
  }

  public EvaluationCompleted {
    Require.envelope(EvaluationCompleted.class, eventId, correlationId, domain, occurredAt);
    Require.text(EvaluationCompleted.class, "modelVersion", modelVersion);
    reasons = Require.list(EvaluationCompleted.class, "reasons", reasons);
    candidateMetrics =
        Require.metrics(EvaluationCompleted.class, "candidateMetrics", candidateMetrics);
    productionMetrics =
        Require.optionalMetrics(EvaluationCompleted.class, "productionMetrics", productionMetrics);
    Require.text(EvaluationCompleted.class, "modelBucket", modelBucket);
    Require.text(EvaluationCompleted.class, "modelPrefix", modelPrefix);
    Require.text(EvaluationCompleted.class, "evaluationKey", evaluationKey);
  }
}
