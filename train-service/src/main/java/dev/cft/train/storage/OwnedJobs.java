package dev.cft.train.storage;

import dev.cft.events.documents.JobRecord;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;
import org.jboss.logging.Logger;

/**
 * The jobs this worker owns (queued or running) and their latest records. Every change to an owned
 * record goes through {@link #update}, so the heartbeat never writes an older copy over a newer one
 * (a checkpoint, an end).
 */
@ApplicationScoped
public class OwnedJobs {
  private static final Logger LOG = Logger.getLogger(OwnedJobs.class);

  private final JobStore store;
  private final Map<String, JobRecord> owned = new ConcurrentHashMap<>();

  public OwnedJobs(JobStore store) {
    this.store = store;
  }

  /**
   * Takes a new job on: creates its record as this worker's, unless another worker created it
   * first.
   *
   * @return whether the job is this worker's
   */
  public boolean ownNew(JobRecord record) {
    boolean[] created = {false};
    owned.computeIfAbsent(
        record.jobId(),
        id -> {
          created[0] = store.create(record);
          return created[0] ? record : null;
        });
    return created[0];
  }

  /** Holds a job this worker took over ({@link JobStore#takeOver}, which wrote its record). */
  public void own(JobRecord record) {
    owned.put(record.jobId(), record);
  }

  /**
   * Changes an owned record and writes it; an ended job stops being owned, and so does a job
   * another worker took over (a later attempt is claimed): then nothing is written.
   *
   * @return the record written; null when the job is not, or no longer, this worker's
   */
  public JobRecord update(String jobId, UnaryOperator<JobRecord> change) {
    JobRecord updated =
        owned.computeIfPresent(
            jobId,
            (id, old) -> {
              if (store.takenOver(old)) {
                LOG.warnf(
                    "job %s was taken over by another worker (attempt %d claimed): it stops here",
                    id, old.attempts() + 1);
                return null;
              }
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
