package dev.cft.train.service;

import dev.cft.train.storage.OwnedJobs;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * Cancellation requests for the jobs this worker owns. Every worker hears every request; one for a
 * job it does not own (another worker's, or one that has ended) is not kept. A running job checks
 * after each step ({@link #check}), a queued one before it starts; either then ends CANCELLED.
 */
@ApplicationScoped
public class Cancellations {
  private static final Logger LOG = Logger.getLogger(Cancellations.class);

  private final OwnedJobs owned;
  private final Map<String, String> requested = new ConcurrentHashMap<>();

  public Cancellations(OwnedJobs owned) {
    this.owned = owned;
  }

  /**
   * Asks an owned job to stop.
   *
   * @return whether this worker owns the job (else the request is not its business)
   */
  public boolean request(String jobId, String reason) {
    if (!owned.owns(jobId)) {
      return false;
    }
    requested.put(jobId, reason);
    if (!owned.owns(jobId)) {
      requested.remove(jobId); // ended meanwhile: nothing to stop
      return false;
    }
    LOG.infof("job %s: cancellation requested (%s)", jobId, reason);
    return true;
  }

  /**
   * @throws JobCancelled when the job was asked to stop
   */
  public void check(String jobId) {
    String reason = requested.get(jobId);
    if (reason != null) {
      throw new JobCancelled(jobId, reason);
    }
  }

  /** The job has ended (or left this worker): a request for it is void. */
  public void forget(String jobId) {
    requested.remove(jobId);
  }
}
