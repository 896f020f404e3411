package dev.cft.train.storage;

import dev.cft.events.Buckets;
import dev.cft.events.documents.JobRecord;
import dev.cft.runtime.store.ObjectStore;
import dev.cft.train.config.TrainConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Deletes the checkpoints ({@code checkpoints/<jobId>/}) and take-over claims of jobs that ended
 * longer ago than {@code cft.train.checkpoint-retention}: a finished job needs them no more, and a
 * long-lived pipeline would otherwise keep every step of every run. The job record stays (a
 * redelivered {@code datasets.ready} must still find the job ended), and nothing outside the
 * checkpoints bucket is touched: a version's files are the registry's. Every worker sweeps; a
 * delete is idempotent.
 */
@ApplicationScoped
public class CheckpointRetention {
  private static final Logger LOG = Logger.getLogger(CheckpointRetention.class);
  private static final java.util.regex.Pattern JOB_ID =
      java.util.regex.Pattern.compile(
          "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

  private final JobStore jobs;
  private final ObjectStore store;
  private final TrainConfig config;
  private ScheduledExecutorService timer;

  public CheckpointRetention(JobStore jobs, ObjectStore store, TrainConfig config) {
    this.jobs = jobs;
    this.store = store;
    this.config = config;
  }

  void start(@Observes StartupEvent event) {
    if (config.checkpointRetention().isZero()) {
      return;
    }
    timer = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "train-retention"));
    long every = config.retentionInterval().toMillis();
    timer.scheduleWithFixedDelay(this::sweepQuietly, every, every, TimeUnit.MILLISECONDS);
  }

  void stop(@Observes ShutdownEvent event) {
    if (timer != null) {
      timer.shutdownNow();
    }
  }

  /**
   * One pass: the checkpoints of every job that ended before {@code now - retention}.
   *
   * @return how many objects were deleted
   */
  public int sweep(Instant now) {
    return sweep(now, config.checkpointRetention());
  }

  /** {@link #sweep(Instant)} with an explicit retention (0: nothing is deleted). */
  public int sweep(Instant now, Duration retention) {
    if (retention.isZero()) {
      return 0;
    }
    int deleted = 0;
    for (JobRecord record : jobs.all()) {
      // An ended record's heartbeat is the moment it ended.
      // Job ids are UUIDs; anything else (a damaged record) must not name a prefix to delete.
      boolean plainId = JOB_ID.matcher(record.jobId()).matches();
      if (plainId && record.isTerminal() && record.heartbeatAt().plus(retention).isBefore(now)) {
        deleted +=
            deleteUnder(record.jobId() + "/") + deleteUnder(JobStore.CLAIMS + record.jobId() + "/");
      }
    }
    if (deleted > 0) {
      LOG.infof("deleted %d checkpoint objects of jobs ended more than %s ago", deleted, retention);
    }
    return deleted;
  }

  private int deleteUnder(String prefix) {
    int count = 0;
    for (ObjectStore.Entry entry : store.list(Buckets.CHECKPOINTS, prefix)) {
      store.delete(Buckets.CHECKPOINTS, entry.key());
      count++;
    }
    return count;
  }

  private void sweepQuietly() {
    try {
      sweep(Instant.now());
    } catch (RuntimeException e) {
      LOG.warnf(
          "checkpoint retention: %s (next pass in %s)", e.getMessage(), config.retentionInterval());
    }
  }
}
