package dev.cft.eval.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.Optional;

/**
 * The promotion gate's defaults ({@code cft.eval.gate.*}); a domain overrides any of them with
 * {@code evals/<domain>/gate.json} beside its golden sets (same names, camelCase).
 */
@ConfigMapping(prefix = "cft.eval.gate")
public interface GateConfig {
  /** Val loss on the new version's val split must fall by at least this share vs production. */
  @WithDefault("0.01")
  double minValLossImprovement();

  /** Retention loss (earlier versions' val splits) may rise by at most this share vs production. */
  @WithDefault("0.02")
  double maxRetentionLossIncrease();

  /** Golden-set loss may rise by at most this share vs production. */
  @WithDefault("0.0")
  double maxGoldenLossIncrease();

  /** Absolute bound: val loss at most this (unset: none). */
  Optional<Double> maxValLoss();

  /** Absolute bound: golden exact match at least this (unset: none). */
  Optional<Double> minGoldenExactMatch();

  /**
   * What a pass leads to: {@code auto} (production at once) or {@code manual} (the candidate waits
   * for a person's approval); a domain's {@code gate.json} sets its own.
   */
  @WithDefault("auto")
  String promotion();

  /** Examples per set scored by exact match (each is a generation); the first ones of the set. */
  @WithDefault("64")
  int exactMatchExamples();

  /** Tokens generated per exact-match answer. */
  @WithDefault("32")
  int exactMatchMaxTokens();
}
