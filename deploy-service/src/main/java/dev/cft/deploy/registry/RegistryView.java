package dev.cft.deploy.registry;

import dev.cft.events.documents.EvaluationReport;
import dev.cft.events.documents.HistoryEntry;
import dev.cft.events.documents.ModelCard;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /models/{domain}}: the domain's aliases, every version with its status and verdict,
 * and the history of production's moves.
 */
public record RegistryView(
    String domain,
    String production,
    String previous,
    List<Version> versions,
    List<HistoryEntry> history) {

  /**
   * One version. Its card's fields are null while it has none (a version still being written).
   *
   * @param status {@code production}, {@code candidate}, {@code rejected} or {@code retired}
   * @param training the training run's figures (the card's metrics)
   * @param metrics the candidate's figures per evaluation set; null until judged
   * @param verdict null until judged
   */
  public record Version(
      String version,
      String status,
      Integer datasetVersion,
      String jobId,
      String parentVersion,
      String correlationId,
      ModelCard.Metrics training,
      Map<String, EvaluationReport.SetMetrics> metrics,
      Verdict verdict) {}

  /**
   * @param comparedWith the production version it was judged against; null for a first model
   */
  public record Verdict(boolean passed, List<String> reasons, String comparedWith) {}
}
