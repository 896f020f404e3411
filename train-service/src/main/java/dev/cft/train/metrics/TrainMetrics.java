package dev.cft.train.metrics;

import dev.cft.events.TrainingJobEvent.State;
import dev.cft.runtime.metrics.Histograms;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Training's metrics; names in docs/operations.md, "Metrics". Per-job gauges (loss curves) are kept
 * for the last {@link #JOBS_KEPT} jobs of this worker, so a long-lived worker's series stay few.
 */
@ApplicationScoped
public class TrainMetrics {
  static final int JOBS_KEPT = 10;

  private final MeterRegistry registry;
  private final AtomicInteger queued = new AtomicInteger();
  private final AtomicInteger running = new AtomicInteger();
  private final Map<String, JobGauges> jobs = new LinkedHashMap<>();
  private final Map<String, Instant> heartbeats = new ConcurrentHashMap<>();
  private final Map<String, Meter> heartbeatGauges = new ConcurrentHashMap<>();

  public TrainMetrics(MeterRegistry registry) {
    this.registry = registry;
    Gauge.builder("cft.train.jobs.active", queued, AtomicInteger::get)
        .description("Jobs of this worker waiting for it")
        .tag("state", "queued")
        .register(registry);
    Gauge.builder("cft.train.jobs.active", running, AtomicInteger::get)
        .description("Jobs this worker is running (at most one)")
        .tag("state", "running")
        .register(registry);
  }

  /** The device training runs on, e.g. {@code cpu()} or {@code gpu(0)}. */
  public void device(String device, int gpus) {
    Gauge.builder("cft.train.device.info", () -> 1)
        .description("The device this worker trains on")
        .tags("device", device, "gpus", Integer.toString(gpus))
        .register(registry);
  }

  /** A job entered a state (queued, running, resumed, succeeded, failed, cancelled). */
  public void state(String domain, State state) {
    if (state == State.HEARTBEAT) {
      return;
    }
    registry
        .counter("cft.train.jobs", "domain", domain, "state", state.name().toLowerCase(Locale.ROOT))
        .increment();
  }

  public void queued(int delta) {
    queued.addAndGet(delta);
  }

  public void running(int delta) {
    running.addAndGet(delta);
  }

  public void jobEnded(String domain, State outcome, Duration took) {
    Histograms.timer(
            "cft.train.job",
            "A job's run on this worker",
            Duration.ofSeconds(1),
            Duration.ofDays(2))
        .tag("domain", domain)
        .tag("outcome", outcome.name().toLowerCase(Locale.ROOT))
        .register(registry)
        .record(took);
  }

  public void step(String domain, Duration took) {
    Histograms.timer(
            "cft.train.step",
            "Wall time between steps",
            Duration.ofMillis(1),
            Duration.ofMinutes(5))
        .tag("domain", domain)
        .register(registry)
        .record(took);
  }

  public void checkpoint(String domain, Duration took) {
    Histograms.timer(
            "cft.train.checkpoint",
            "Uploading a checkpoint to the store",
            Duration.ofMillis(10),
            Duration.ofMinutes(30))
        .tag("domain", domain)
        .register(registry)
        .record(took);
  }

  /** The live figures of one job: its loss curve as Prometheus samples it. */
  public synchronized JobGauges job(String domain, String jobId) {
    JobGauges gauges = jobs.get(jobId);
    if (gauges == null) {
      gauges = new JobGauges(registry, Tags.of("domain", domain, "job_id", jobId));
      jobs.put(jobId, gauges);
      while (jobs.size() > JOBS_KEPT) {
        String oldest = jobs.keySet().iterator().next();
        jobs.remove(oldest).remove(registry);
      }
    }
    return gauges;
  }

  /**
   * The unfinished jobs this worker can see in the store, with their last heartbeat; an alert
   * watches their age.
   */
  public void unfinished(Map<String, String> domains, Map<String, Instant> lastHeartbeats) {
    Set<String> gone = new java.util.HashSet<>(heartbeatGauges.keySet());
    gone.removeAll(lastHeartbeats.keySet());
    for (String jobId : gone) {
      registry.remove(heartbeatGauges.remove(jobId));
      heartbeats.remove(jobId);
    }
    heartbeats.putAll(lastHeartbeats);
    for (String jobId : lastHeartbeats.keySet()) {
      heartbeatGauges.computeIfAbsent(
          jobId,
          id ->
              Gauge.builder(
                      "cft.train.job.heartbeat.age",
                      heartbeats,
                      h -> {
                        Instant at = h.get(id);
                        return at == null
                            ? Double.NaN
                            : Duration.between(at, Instant.now()).toMillis() / 1000.0;
                      })
                  .description("Seconds since an unfinished job's last heartbeat")
                  .baseUnit("seconds")
                  .tags("domain", domains.get(id), "job_id", id)
                  .register(registry));
    }
  }

  /** Gauges of one job; values are the last reported. */
  public static final class JobGauges {
    private volatile double loss = Double.NaN;
    private volatile double valLoss = Double.NaN;
    private volatile double tokensPerSecond = Double.NaN;
    private volatile double progress = Double.NaN;
    private final List<Meter> meters = new ArrayList<>();

    JobGauges(MeterRegistry registry, Tags tags) {
      meters.add(
          gauge(registry, "cft.train.loss", "Train loss of the last step", tags, g -> g.loss));
      meters.add(
          gauge(
              registry,
              "cft.train.val.loss",
              "Validation loss of the last validation",
              tags,
              g -> g.valLoss));
      meters.add(
          gauge(
              registry,
              "cft.train.tokens.per.second",
              "Training throughput over the last steps",
              tags,
              g -> g.tokensPerSecond));
      meters.add(
          gauge(
              registry,
              "cft.train.progress.ratio",
              "Steps done over steps planned",
              tags,
              g -> g.progress));
    }

    private Meter gauge(
        MeterRegistry registry,
        String name,
        String description,
        Tags tags,
        java.util.function.ToDoubleFunction<JobGauges> value) {
      return Gauge.builder(name, this, value)
          .description(description)
          .tags(tags)
          .register(registry);
    }

    public void step(long step, long totalSteps, double loss, double tokensPerSecond) {
      this.loss = loss;
      this.tokensPerSecond = tokensPerSecond;
      this.progress = totalSteps > 0 ? (double) step / totalSteps : Double.NaN;
    }

    public void validation(double valLoss) {
      this.valLoss = valLoss;
    }

    void remove(MeterRegistry registry) {
      meters.forEach(registry::remove);
    }
  }
}
