package dev.cft.train.storage;

import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

/**
 * The jobs this worker owns (queued or running) and their latest records. Every change to an owned
 * record goes through {@link #update}, so the heartbeat never writes an older copy over a newer one
 * (a checkpoint, an end).
 */
@ApplicationScoped
public class OwnedJobs {
  private final JobStore store;
  private final Map<String, JobRecord> owned = new ConcurrentHashMap<>();

  public OwnedJobs(JobStore store) {
    this.store = store;
  }

  /** Takes the job on: writes its record as this worker's. */
  public void own(JobRecord record) {
    owned.compute(
        record.jobId(),
        (id, old) -> {
          store.write(record);
          return record;
        });
  }

  /** Changes an owned record and writes it; an ended job stops being owned. */
  public JobRecord update(String jobId, UnaryOperator<JobRecord> change) {
    JobRecord updated =
        owned.computeIfPresent(
            jobId,
            (id, old) -> {
              JobRecord next = change.apply(old);
              store.write(next);
              return next;
            });
    if (updated != null && updated.isTerminal()) {
      owned.remove(jobId, updated);
    }
    return updated;
  }

  /** Lets go of a job without ending it (another worker took it over). */
  public void release(String jobId) {
    owned.remove(jobId);
  }

  public boolean owns(String jobId) {
    return owned.containsKey(jobId);
  }

  public Set<String> ids() {
    return Set.copyOf(owned.keySet());
  }

  /** Renews the heartbeat of every owned job. */
  public void heartbeat(Instant now) {
    ids().forEach(id -> update(id, r -> r.heartbeat(now)));
  }
}
