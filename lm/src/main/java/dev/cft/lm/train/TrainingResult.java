package dev.cft.lm.train;

import java.util.List;

/**
 * What a run did.
 *
 * @param losses mean token loss of every step run in this call, in order
 * @param bestValidationLoss NaN without validation data
 * @param resumedFromStep the step the run continued from (0: a fresh run)
 */
public record TrainingResult(
    long steps,
    long totalSteps,
    List<Double> losses,
    double bestValidationLoss,
    long bestStep,
    boolean stoppedEarly,
    long resumedFromStep,
    long trainedTokens,
    int truncatedExamples,
    double tokensPerSecond) {
  public TrainingResult {
    losses = List.copyOf(losses);
  }

  public double finalLoss() {
    return losses.isEmpty() ? Double.NaN : losses.get(losses.size() - 1);
  }
}
