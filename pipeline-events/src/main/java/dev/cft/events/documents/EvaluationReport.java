package dev.cft.events.documents;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.cft.events.Promotion;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * {@code models/<domain>/versions/<v>/evaluation.json}: the gate's verdict on a candidate, with
 * both models measured on the same sets in one run.
 *
 * @param productionVersion what it was compared with; null when the domain had no production
 * @param failedRules the rules that failed, as metric tags ({@code val_improvement}, ...)
 * @param sets examples in each set ({@code val}, {@code retention}, {@code golden})
 * @param candidate the candidate's figures per set
 * @param production production's figures per set; null without a production model
 */
public record EvaluationReport(
    String domain,
    String modelVersion,
    @JsonInclude(JsonInclude.Include.ALWAYS) String productionVersion,
    Instant evaluatedAt,
    String correlationId,
    boolean passed,
    List<String> reasons,
    List<String> failedRules,
    Gate gate,
    Map<String, Integer> sets,
    Map<String, SetMetrics> candidate,
    @JsonInclude(JsonInclude.Include.ALWAYS) Map<String, SetMetrics> production) {

  /**
   * The gate's settings the verdict was reached with (the domain's {@code gate.json} applied).
   *
   * @param promotion absent in reports from before promotion modes: {@code AUTO}
   */
  public record Gate(
      double minValLossImprovement,
      double maxRetentionLossIncrease,
      double maxGoldenLossIncrease,
      @JsonInclude(JsonInclude.Include.ALWAYS) Double maxValLoss,
      @JsonInclude(JsonInclude.Include.ALWAYS) Double minGoldenExactMatch,
      Promotion promotion) {}

  /** What a pass leads to: production at once, or a person's approval. */
  public Promotion promotionMode() {
    return gate == null || gate.promotion() == null ? Promotion.AUTO : gate.promotion();
  }

  /**
   * One model on one set. Loss may be NaN or infinite for a model that diverged.
   *
   * @param exactMatch absent when no example was generated
   */
  public record SetMetrics(
      double loss,
      double perplexity,
      @JsonProperty("token_accuracy") double tokenAccuracy,
      @JsonProperty("exact_match") Double exactMatch,
      long tokens,
      int examples) {}
}
