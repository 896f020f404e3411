package dev.cft.train.storage;

import dev.cft.events.Buckets;
import dev.cft.events.documents.Documents;
import dev.cft.events.documents.JobClaim;
import dev.cft.events.documents.JobRecord;
import dev.cft.runtime.store.ObjectStore;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Job records in the checkpoints bucket, under {@code _jobs/}, and the claims of their take-overs
 * under {@code _claims/}. Who runs a job is settled by S3's create-only write, never by a write and
 * a second look: the worker that creates a job's record owns attempt 0, the one that creates the
 * claim of attempt N owns attempt N, and an owner that sees a later attempt claimed has lost it.
 */
@ApplicationScoped
public class JobStore {
  static final String PREFIX = "_jobs/";
  static final String CLAIMS = "_claims/";
  private static final String SUFFIX = ".json";
  private static final String JSON = "application/json";

  /** A create refused with nothing there (S3's 409 for a concurrent write) is tried again. */
  private static final int CREATE_ATTEMPTS = 3;

  private static final Logger LOG = Logger.getLogger(JobStore.class);

  private final ObjectStore store;

  public JobStore(ObjectStore store) {
    this.store = store;
  }

  public Optional<JobRecord> read(String jobId) {
    return store
        .readIfExists(Buckets.CHECKPOINTS, key(jobId))
        .map(bytes -> parse(bytes, key(jobId)));
  }

  public void write(JobRecord record) {
    store.write(Buckets.CHECKPOINTS, key(record.jobId()), Documents.write(record), JSON);
  }

  /**
   * Writes a new job's record unless there is one: of workers accepting the same job at once (a
   * record delivered again after a rebalance), one gets it. A refusal is checked against what is
   * there: a retried request that found its own first try is this worker's, and a conflict that
   * left no record at all is tried again.
   *
   * @return whether the record is this call's
   */
  public boolean create(JobRecord record) {
    for (int attempt = 0; attempt < CREATE_ATTEMPTS; attempt++) {
      if (store.create(Buckets.CHECKPOINTS, key(record.jobId()), Documents.write(record), JSON)) {
        return true;
      }
      Optional<JobRecord> there = read(record.jobId());
      if (there.isPresent()) {
        return there.get().workerId().equals(record.workerId())
            && there.get().heartbeatAt().equals(record.heartbeatAt());
      }
    }
    return false;
  }

  /**
   * Takes over a job whose worker stopped beating: claims its next attempt and writes the record as
   * this worker's. A claim whose worker never wrote the record after it (it died in between) is
   * stale too after {@code staleAfter}, and the attempt after it is claimed instead.
   *
   * @return the record as this worker's; empty when another worker claimed the attempt first
   */
  public Optional<JobRecord> takeOver(
      JobRecord stale, String workerId, Duration staleAfter, Instant now) {
    for (int attempt = stale.attempts() + 1; ; attempt++) {
      if (claim(stale.jobId(), attempt, workerId, now)) {
        JobRecord taken = stale.resumedBy(workerId, now, attempt);
        write(taken);
        return Optional.of(taken);
      }
      Optional<JobClaim> other = readClaim(stale.jobId(), attempt);
      if (other.isEmpty() || !other.get().claimedAt().plus(staleAfter).isBefore(now)) {
        return Optional.empty();
      }
    }
  }

  /** Whether an attempt after {@code record}'s was claimed: its owner has lost the job. */
  public boolean takenOver(JobRecord record) {
    return store.exists(Buckets.CHECKPOINTS, claimKey(record.jobId(), record.attempts() + 1));
  }

  private boolean claim(String jobId, int attempt, String workerId, Instant now) {
    JobClaim claim = new JobClaim(jobId, attempt, workerId, now);
    for (int tries = 0; tries < CREATE_ATTEMPTS; tries++) {
      if (store.create(
          Buckets.CHECKPOINTS, claimKey(jobId, attempt), Documents.write(claim), JSON)) {
        return true;
      }
      // A retried request finds its own first try: the claim says whose it is.
      Optional<JobClaim> there = readClaim(jobId, attempt);
      if (there.isPresent()) {
        return there.get().workerId().equals(workerId);
      }
    }
    return false;
  }

  private Optional<JobClaim> readClaim(String jobId, int attempt) {
    String key = claimKey(jobId, attempt);
    return store
        .readIfExists(Buckets.CHECKPOINTS, key)
        .map(bytes -> Documents.read(bytes, JobClaim.class, where(key)));
  }

  /** Every job record, of every state (other objects under the prefix are not read). */
  public List<JobRecord> all() {
    List<JobRecord> records = new ArrayList<>();
    for (ObjectStore.Entry entry : store.list(Buckets.CHECKPOINTS, PREFIX)) {
      if (!entry.key().endsWith(SUFFIX)) {
        continue;
      }
      try {
        store
            .readIfExists(Buckets.CHECKPOINTS, entry.key())
            .map(bytes -> parse(bytes, entry.key()))
            .ifPresent(records::add);
      } catch (IllegalArgumentException e) {
        // One unreadable record must not stop the recovery of the others.
        LOG.warnf("job record %s is unreadable, skipped: %s", entry.key(), e.getMessage());
      }
    }
    return records;
  }

  static String key(String jobId) {
    return PREFIX + jobId + SUFFIX;
  }

  static String claimKey(String jobId, int attempt) {
    return CLAIMS + jobId + "/" + attempt + SUFFIX;
  }

  /**
   * @throws IllegalArgumentException saying what is wrong with the record
   */
  static JobRecord parse(byte[] bytes, String key) {
    return Documents.read(bytes, JobRecord.class, where(key));
  }

  private static String where(String key) {
    return "s3://" + Buckets.CHECKPOINTS + "/" + key;
  }
}
