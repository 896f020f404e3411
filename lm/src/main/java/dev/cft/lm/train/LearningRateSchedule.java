package dev.cft.lm.train;

/**
 * Linear warm-up to the peak rate, then cosine decay to {@code minRatio} of it by the last step. A
 * pure function of the step, so a resumed run continues on the same curve.
 */
public record LearningRateSchedule(
    double peak, long warmupSteps, long totalSteps, double minRatio) {
  public double at(long step) {
    if (step < warmupSteps) {
      return peak * (step + 1) / warmupSteps;
    }
    long decaySteps = Math.max(1, totalSteps - warmupSteps);
    double progress = Math.min(1.0, (double) (step - warmupSteps) / decaySteps);
    double cosine = 0.5 * (1 + Math.cos(Math.PI * progress));
    return peak * (minRatio + (1 - minRatio) * cosine);
  }
}
