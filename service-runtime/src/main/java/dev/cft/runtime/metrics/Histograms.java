package dev.cft.runtime.metrics;

import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/**
 * Timers published as Prometheus histograms (for {@code histogram_quantile} over replicas), their
 * buckets bounded to the range the measured thing can take.
 */
public final class Histograms {
  private Histograms() {}

  public static Timer.Builder timer(String name, String description, Duration min, Duration max) {
    return Timer.builder(name)
        .description(description)
        .publishPercentileHistogram()
        .minimumExpectedValue(min)
        .maximumExpectedValue(max);
  }
}
