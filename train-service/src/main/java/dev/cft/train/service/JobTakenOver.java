package dev.cft.train.service;

/**
 * This worker lost its job: another worker claimed a later attempt (this one was presumed dead,
 * e.g. after a long pause). It stops without writing anything; the new owner reports the job.
 */
public final class JobTakenOver extends RuntimeException {
  public JobTakenOver(String jobId) {
    super("job " + jobId + " was taken over by another worker", null, false, false);
  }
}
