package dev.cft.train.service;

/**
 * A job stopped on request ({@code training.cancellations}): it ends CANCELLED, with no candidate.
 */
public final class JobCancelled extends RuntimeException {
  private final String reason;

  public JobCancelled(String jobId, String reason) {
    super("job " + jobId + " cancelled: " + reason, null, false, false);
    this.reason = reason;
  }

  /** Why, as the request says. */
  public String reason() {
    return reason;
  }
}
