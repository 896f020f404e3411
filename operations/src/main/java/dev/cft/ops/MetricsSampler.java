package dev.cft.ops;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Scrapes services' {@code /q/metrics} every few seconds for as long as a run lasts, as Prometheus
 * would, and keeps the largest value each sample name had: some series only exist while there is
 * work (the heartbeat age of an unfinished job).
 */
public final class MetricsSampler implements AutoCloseable {
  private final Map<String, String> services;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final Map<String, Map<String, Double>> seen = new ConcurrentHashMap<>();
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "metrics-sampler");
            t.setDaemon(true);
            return t;
          });

  /**
   * @param services name → base URL ({@code http://127.0.0.1:8081})
   */
  public MetricsSampler(Map<String, String> services, Duration every) {
    this.services = Map.copyOf(services);
    services.keySet().forEach(name -> seen.put(name, new ConcurrentHashMap<>()));
    timer.scheduleWithFixedDelay(this::sample, 0, every.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** One scrape of every service now (also what the timer does). */
  public void sample() {
    services.forEach(
        (name, base) -> {
          try {
            Exposition.scrape(http, base).forEach((k, v) -> seen.get(name).merge(k, v, Math::max));
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          } catch (Exception e) {
            // Not up yet, or restarting: the next round counts.
          }
        });
  }

  /** Service → sample name → the largest value seen. */
  public Map<String, Map<String, Double>> seen() {
    Map<String, Map<String, Double>> copy = new TreeMap<>();
    seen.forEach((name, samples) -> copy.put(name, new TreeMap<>(samples)));
    return copy;
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
