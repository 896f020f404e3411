package dev.cft.train.service;

import dev.cft.events.Buckets;
import dev.cft.events.DatasetReady;
import dev.cft.events.ModelKeys;
import dev.cft.events.TrainingJobEvent.State;
import dev.cft.runtime.store.ObjectStore;
import dev.cft.train.config.TrainConfig;
import dev.cft.train.messaging.JobEvents;
import dev.cft.train.storage.JobRecord;
import dev.cft.train.storage.JobSettings;
import dev.cft.train.storage.JobStore;
import dev.cft.train.storage.OwnedJobs;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * The jobs of this worker, run one at a time in arrival order. Owned jobs carry a heartbeat in
 * their record; a job whose heartbeat goes stale (its worker was killed) is taken over here and
 * resumed from its last checkpoint.
 */
@ApplicationScoped
public class TrainingJobs {
  /** Time between claiming a stale job and checking that the claim held against another worker. */
  static final Duration CLAIM_SETTLE = Duration.ofMillis(500);

  private static final Logger LOG = Logger.getLogger(TrainingJobs.class);

  private final JobRunner runner;
  private final JobEvents events;
  private final JobStore store;
  private final OwnedJobs owned;
  private final TrainConfig config;
  private final ObjectStore objects;

  /**
   * One job at a time per worker, in arrival order (so also per domain): DJL allows one gradient
   * collector per process, and a worker's CPU or GPU is better spent on one run. Domains train in
   * parallel on different workers; the Kafka key spreads them.
   */
  private final ExecutorService jobs =
      Executors.newSingleThreadExecutor(r -> new Thread(r, "train-jobs"));

  private ScheduledExecutorService timer;

  public TrainingJobs(
      JobRunner runner,
      JobEvents events,
      JobStore store,
      OwnedJobs owned,
      TrainConfig config,
      ObjectStore objects) {
    this.objects = objects;
    this.runner = runner;
    this.events = events;
    this.store = store;
    this.owned = owned;
    this.config = config;
  }

  void start(@Observes StartupEvent event) {
    timer = Executors.newScheduledThreadPool(2, r -> new Thread(r, "train-jobs-timer"));
    long beat = config.heartbeatInterval().toMillis();
    timer.scheduleWithFixedDelay(
        () -> quietly("heartbeat", () -> owned.heartbeat(Instant.now())),
        beat,
        beat,
        TimeUnit.MILLISECONDS);
    long scan = config.recoveryInterval().toMillis();
    timer.scheduleWithFixedDelay(
        () -> quietly("recovery", this::recover), scan, scan, TimeUnit.MILLISECONDS);
  }

  void stop(@Observes ShutdownEvent event) {
    if (timer != null) {
      timer.shutdownNow();
    }
    jobs.shutdownNow();
  }

  /** Accepts the job of a dataset version, unless it is known already (a redelivery). */
  public void submit(DatasetReady ready) {
    String jobId = JobRunner.jobId(ready);
    Optional<JobRecord> known = store.read(jobId);
    if (known.isPresent() && (known.get().isTerminal() || !isStale(known.get(), Instant.now()))) {
      LOG.infof(
          "job %s (%s v%d) is known (%s): not queued again",
          jobId, ready.domain(), ready.datasetVersion(), known.get().state());
      return;
    }
    if (known.isPresent()) {
      take(known.get());
      return;
    }
    JobSettings settings;
    try {
      settings = settings(ready.domain());
    } catch (IllegalArgumentException e) {
      JobRecord refused =
          new JobRecord(
              jobId,
              ready,
              JobSettings.of(config),
              State.FAILED,
              runner.workerId(),
              Instant.now(),
              null,
              null,
              0);
      store.write(refused);
      runner.announce(
          refused, State.FAILED, ModelKeys.training(ready.domain()) + ": " + e.getMessage());
      return;
    }
    JobRecord record =
        new JobRecord(
            jobId, ready, settings, State.QUEUED, runner.workerId(), Instant.now(), null, null, 0);
    owned.own(record);
    runner.announce(record, State.QUEUED, null);
    enqueue(record);
  }

  /** The configured settings, with the domain's {@code training.json} applied if it has one. */
  private JobSettings settings(String domain) {
    JobSettings settings = JobSettings.of(config);
    var overrides = objects.readIfExists(Buckets.MODELS, ModelKeys.training(domain));
    if (overrides.isEmpty()) {
      return settings;
    }
    try {
      return settings.with(
          new com.fasterxml.jackson.databind.ObjectMapper().readTree(overrides.get()));
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException("is not valid JSON: " + e.getMessage(), e);
    }
  }

  /** One pass over the job records: takes over every job whose worker stopped beating. */
  public void recover() {
    Instant now = Instant.now();
    for (JobRecord record : store.all()) {
      if (!record.isTerminal() && !owned.owns(record.jobId()) && isStale(record, now)) {
        take(record);
      }
    }
  }

  private void take(JobRecord stale) {
    JobRecord claimed = stale.resumedBy(runner.workerId(), Instant.now());
    store.write(claimed);
    try {
      Thread.sleep(CLAIM_SETTLE.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    Optional<JobRecord> now = store.read(claimed.jobId());
    if (now.isEmpty() || !runner.workerId().equals(now.get().workerId())) {
      return; // another worker claimed it at the same time and wrote last
    }
    owned.own(claimed);
    LOG.infof(
        "job %s (%s) lost its worker %s: resuming from %s",
        claimed.jobId(),
        claimed.dataset().domain(),
        stale.workerId(),
        stale.checkpointKey() == null ? "the start" : stale.checkpointKey());
    runner.announce(claimed, State.RESUMED, "taken over from " + stale.workerId());
    enqueue(claimed);
  }

  private boolean isStale(JobRecord record, Instant now) {
    return record.heartbeatAt().plus(config.staleAfter()).isBefore(now);
  }

  private void enqueue(JobRecord record) {
    jobs.submit(() -> runner.run(record.jobId()));
  }

  private static void quietly(String what, Runnable task) {
    try {
      task.run();
    } catch (RuntimeException e) {
      // The store may be unreachable for a while; the next round tries again.
      LOG.warnf("%s failed: %s", what, e.getMessage());
    }
  }
}
