package dev.cft.deploy.metrics;

import dev.cft.runtime.metrics.Histograms;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Serving's and the registry's metrics; names in docs/operations.md, "Metrics". */
@ApplicationScoped
public class ServingMetrics {
  /** The model tag of a request that named no served model: keeps the tag's values bounded. */
  public static final String NO_MODEL = "none";

  private final MeterRegistry registry;
  private final Map<String, Meter> modelInfo = new ConcurrentHashMap<>();

  public ServingMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  /** One request to an OpenAI endpoint, from its arrival. */
  public Call call(String endpoint, boolean stream) {
    return new Call(endpoint, stream, System.nanoTime());
  }

  /** What the registry did: {@code promoted} or {@code rolled_back}. */
  public void moved(String domain, boolean rollback) {
    registry
        .counter(rollback ? "cft.deploy.rollbacks" : "cft.deploy.promotions", "domain", domain)
        .increment();
  }

  /** The version this replica now serves for a domain (an info-style gauge of value 1). */
  public void serving(String domain, String version) {
    // From zero, so that increase() sees a domain's first promotion or rollback.
    registry.counter("cft.deploy.promotions", "domain", domain);
    registry.counter("cft.deploy.rollbacks", "domain", domain);
    Meter now =
        Gauge.builder("cft.serving.model.info", () -> 1)
            .description("The model version this replica serves for the domain")
            .tags("domain", domain, "version", version)
            .register(registry);
    Meter old = modelInfo.put(domain, now);
    if (old != null && !old.getId().equals(now.getId())) {
      registry.remove(old);
    }
  }

  /** Latency, time to first token and tokens of one request. */
  public final class Call {
    private final String endpoint;
    private final boolean stream;
    private final long started;
    private String model = NO_MODEL;
    private long firstToken;
    private boolean ended;

    private Call(String endpoint, boolean stream, long started) {
      this.endpoint = endpoint;
      this.stream = stream;
      this.started = started;
    }

    /** The served model that answers it. */
    public void model(String model) {
      this.model = model;
    }

    /** Called with each piece of text generated; the first one marks the time to first token. */
    public void generated() {
      if (firstToken == 0) {
        firstToken = System.nanoTime();
        timer("cft.serving.ttft", "From the request's arrival to its first generated text")
            .record(Duration.ofNanos(firstToken - started));
      }
    }

    public void succeeded(int completionTokens) {
      if (ended) {
        return;
      }
      ended = true;
      long now = System.nanoTime();
      latency("ok").record(Duration.ofNanos(now - started));
      registry.counter("cft.serving.generated.tokens", "model", model).increment(completionTokens);
      double seconds = (now - started) / 1e9;
      if (completionTokens > 0 && seconds > 0) {
        DistributionSummary.builder("cft.serving.tokens.per.second")
            .description("Generated tokens over the request's whole time, per request")
            .tag("model", model)
            .publishPercentileHistogram()
            .minimumExpectedValue(0.1)
            .maximumExpectedValue(10_000.0)
            .register(registry)
            .record(completionTokens / seconds);
      }
    }

    /**
     * @param type OpenAI's error type ({@code invalid_request_error}, {@code not_found_error},
     *     {@code server_error}) or {@code client_closed}
     */
    public void failed(String type) {
      if (ended) {
        return;
      }
      ended = true;
      latency("error").record(Duration.ofNanos(System.nanoTime() - started));
      registry
          .counter("cft.serving.errors", "endpoint", endpoint, "model", model, "type", type)
          .increment();
    }

    private Timer latency(String outcome) {
      return Histograms.timer(
              "cft.serving.request",
              "A request's whole time, to the last byte of the answer or the stream",
              Duration.ofMillis(1),
              Duration.ofMinutes(5))
          .tags("endpoint", endpoint, "model", model, "stream", Boolean.toString(stream))
          .tag("outcome", outcome)
          .register(registry);
    }

    private Timer timer(String name, String description) {
      return Histograms.timer(name, description, Duration.ofMillis(1), Duration.ofMinutes(1))
          .tags("endpoint", endpoint, "model", model, "stream", Boolean.toString(stream))
          .register(registry);
    }
  }
}
