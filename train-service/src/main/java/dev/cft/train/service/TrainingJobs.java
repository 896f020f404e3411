package dev.cft.train.service;

import dev.cft.events.DatasetReady;
import dev.cft.events.TrainingJobEvent.State;
import dev.cft.events.documents.JobRecord;
import dev.cft.train.config.TrainConfig;
import dev.cft.train.messaging.JobEvents;
import dev.cft.train.metrics.TrainMetrics;
import dev.cft.train.storage.AcceptedSettings;
import dev.cft.train.storage.JobSettings;
import dev.cft.train.storage.JobStore;
import dev.cft.train.storage.OwnedJobs;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * The jobs of this worker, run one at a time in arrival order. Owned jobs carry a heartbeat in
 * their record; a job whose heartbeat goes stale (its worker was killed) is taken over here and
 * resumed from its last checkpoint.
 *
 * <p>{@link #submit} completes when the job has ended, wherever it ran: the {@code datasets.ready}
 * record is committed only then, so the consumer group's lag counts the jobs queued and running —
 * the figure KEDA scales train workers on — and a record whose worker died is delivered again.
 */
@ApplicationScoped
public class TrainingJobs {
  private static final Logger LOG = Logger.getLogger(TrainingJobs.class);

  private final JobRunner runner;
  private final JobEvents events;
  private final JobStore store;
  private final OwnedJobs owned;
  private final TrainConfig config;
  private final AcceptedSettings accepted;

  /**
   * One job at a time per worker, in arrival order (so also per domain): DJL allows one gradient
   * collector per process, and a worker's CPU or GPU is better spent on one run. Domains train in
   * parallel on different workers; the Kafka key spreads them.
   */
  private final ExecutorService jobs =
      Executors.newSingleThreadExecutor(r -> new Thread(r, "train-jobs"));

  /** Accepting a job reads and writes the store: off the Kafka consumer's event loop. */
  private final ExecutorService intake =
      Executors.newSingleThreadExecutor(r -> new Thread(r, "train-intake"));

  /** The end of each job run here or watched while another worker runs it. */
  private final Map<String, CompletableFuture<Void>> ends = new ConcurrentHashMap<>();

  private final Set<String> watched = ConcurrentHashMap.newKeySet();
  private final TrainMetrics metrics;
  private volatile boolean stopping;
  private ScheduledExecutorService timer;

  public TrainingJobs(
      JobRunner runner,
      JobEvents events,
      JobStore store,
      OwnedJobs owned,
      TrainConfig config,
      AcceptedSettings accepted,
      TrainMetrics metrics) {
    this.metrics = metrics;
    this.accepted = accepted;
    this.runner = runner;
    this.events = events;
    this.store = store;
    this.owned = owned;
    this.config = config;
  }

  void start(@Observes StartupEvent event) {
    timer = Executors.newScheduledThreadPool(2, r -> new Thread(r, "train-jobs-timer"));
    // Loads the engine (libtorch) once, off the start-up path: the device runs use is its default.
    timer.execute(
        () ->
            quietly(
                "device",
                () -> {
                  ai.djl.engine.Engine engine = ai.djl.engine.Engine.getInstance();
                  metrics.device(engine.defaultDevice().toString(), engine.getGpuCount());
                }));
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

  /**
   * A running job checkpoints after its current step and is handed over (its record made stale at
   * once, so another worker resumes it at its next scan); queued ones are left to others. Its Kafka
   * record has not ended: it stays uncommitted and is delivered again.
   */
  void stop(@Observes ShutdownEvent event) {
    stopping = true;
    runner.requestStop();
    if (timer != null) {
      timer.shutdownNow();
    }
    intake.shutdownNow();
    jobs.shutdown();
    try {
      if (!jobs.awaitTermination(config.stopGrace().toMillis(), TimeUnit.MILLISECONDS)) {
        LOG.warnf("the running job did not stop within %s", config.stopGrace());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    jobs.shutdownNow();
  }

  /**
   * Accepts the job of a dataset version, unless it is known already (a redelivery); completes when
   * the job has ended.
   */
  public CompletionStage<Void> submit(DatasetReady ready) {
    return CompletableFuture.supplyAsync(() -> accept(ready), intake).thenCompose(end -> end);
  }

  private CompletableFuture<Void> accept(DatasetReady ready) {
    String jobId = JobRunner.jobId(ready);
    CompletableFuture<Void> here = ends.get(jobId);
    if (here != null) {
      return here;
    }
    Optional<JobRecord> known = store.read(jobId);
    if (known.isPresent() && known.get().isTerminal()) {
      LOG.infof(
          "job %s (%s v%d) has ended (%s): not run again",
          jobId, ready.domain(), ready.datasetVersion(), known.get().state());
      return CompletableFuture.completedFuture(null);
    }
    if (known.isPresent() && isStale(known.get(), Instant.now())) {
      return take(known.get());
    }
    if (known.isPresent()) {
      LOG.infof(
          "job %s (%s v%d) runs on %s: waiting for its end",
          jobId, ready.domain(), ready.datasetVersion(), known.get().workerId());
      return watch(jobId);
    }
    JobSettings settings;
    try {
      settings = accepted.of(ready);
    } catch (IllegalArgumentException e) {
      JobRecord refused =
          new JobRecord(
              jobId,
              ready,
              accepted.configured().asMap(),
              State.FAILED,
              runner.workerId(),
              Instant.now(),
              null,
              null,
              0,
              null);
      if (store.create(refused)) {
        runner.announce(refused, State.FAILED, e.getMessage());
      }
      return CompletableFuture.completedFuture(null);
    }
    JobRecord record =
        new JobRecord(
            jobId,
            ready,
            settings.asMap(),
            State.QUEUED,
            runner.workerId(),
            Instant.now(),
            null,
            null,
            0,
            null);
    if (!owned.ownNew(record)) {
      LOG.infof(
          "job %s (%s v%d) was accepted by another worker",
          jobId, ready.domain(), ready.datasetVersion());
      return watch(jobId);
    }
    runner.announce(record, State.QUEUED, null);
    return enqueue(record);
  }

  /**
   * One pass over the job records: takes over every job whose worker stopped beating, and ends the
   * wait for watched jobs that have ended.
   */
  public void recover() {
    Instant now = Instant.now();
    Map<String, Instant> beats = new java.util.HashMap<>();
    Map<String, String> domains = new java.util.HashMap<>();
    Set<String> unfinished = new java.util.HashSet<>();
    for (JobRecord record : store.all()) {
      if (record.isTerminal()) {
        continue;
      }
      unfinished.add(record.jobId());
      beats.put(record.jobId(), record.heartbeatAt());
      domains.put(record.jobId(), record.dataset().domain());
      if (!owned.owns(record.jobId()) && isStale(record, now)) {
        take(record);
      }
    }
    metrics.unfinished(domains, beats);
    for (String jobId : watched) {
      if (!unfinished.contains(jobId) && !owned.owns(jobId)) {
        watched.remove(jobId);
        CompletableFuture<Void> end = ends.remove(jobId);
        if (end != null) {
          end.complete(null);
        }
      }
    }
  }

  /** Synchronized: the intake and the recovery scan may find the same stale job at once. */
  private synchronized CompletableFuture<Void> take(JobRecord stale) {
    if (owned.owns(stale.jobId())) {
      return ends.computeIfAbsent(stale.jobId(), id -> new CompletableFuture<>());
    }
    Optional<JobRecord> taken =
        store.takeOver(stale, runner.workerId(), config.staleAfter(), Instant.now());
    if (taken.isEmpty()) {
      // Another worker claimed the attempt first: its end is awaited.
      return watch(stale.jobId());
    }
    JobRecord claimed = taken.get();
    owned.own(claimed);
    LOG.infof(
        "job %s (%s) lost its worker %s: attempt %d resumes from %s",
        claimed.jobId(),
        claimed.dataset().domain(),
        stale.workerId(),
        claimed.attempts(),
        stale.checkpointKey() == null ? "the start" : stale.checkpointKey());
    runner.announce(claimed, State.RESUMED, "taken over from " + stale.workerId());
    return enqueue(claimed);
  }

  /** Another worker runs the job: its end, seen by the recovery scan, completes the wait. */
  private CompletableFuture<Void> watch(String jobId) {
    watched.add(jobId);
    return ends.computeIfAbsent(jobId, id -> new CompletableFuture<>());
  }

  private boolean isStale(JobRecord record, Instant now) {
    return record.heartbeatAt().plus(config.staleAfter()).isBefore(now);
  }

  private CompletableFuture<Void> enqueue(JobRecord record) {
    String jobId = record.jobId();
    watched.remove(jobId);
    CompletableFuture<Void> end = ends.computeIfAbsent(jobId, id -> new CompletableFuture<>());
    if (stopping) {
      return end; // never completes: the record is delivered again after the restart
    }
    metrics.queued(1);
    jobs.submit(
        () -> {
          metrics.queued(-1);
          if (stopping) {
            // Not started: let another worker have it at once.
            owned.update(jobId, JobRecord::handedOver);
            owned.release(jobId);
            return;
          }
          metrics.running(1);
          try {
            runner.run(jobId);
          } finally {
            metrics.running(-1);
            if (!stopping) {
              ends.remove(jobId, end);
              end.complete(null);
            }
          }
        });
    return end;
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
