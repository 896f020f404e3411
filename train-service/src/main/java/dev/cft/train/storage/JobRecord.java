package dev.cft.train.storage;

import dev.cft.events.DatasetReady;
import dev.cft.events.TrainingJobEvent.State;
import java.time.Instant;

/**
 * A job as the store keeps it ({@code checkpoints/_jobs/<jobId>.json}), enough for any worker to
 * take it over: the event that started it, the settings it trains with (so a resumed run is the
 * same run), its owner and that owner's last heartbeat, and the latest checkpoint.
 *
 * @param checkpointKey prefix in the checkpoints bucket, {@code <jobId>/step-<k>/}; null before the
 *     first
 */
public record JobRecord(
    String jobId,
    DatasetReady dataset,
    JobSettings settings,
    State state,
    String workerId,
    Instant heartbeatAt,
    Long step,
    String checkpointKey,
    int attempts) {

  public boolean isTerminal() {
    return state.isTerminal();
  }

  public JobRecord owned(String worker, State newState, Instant now) {
    return new JobRecord(
        jobId, dataset, settings, newState, worker, now, step, checkpointKey, attempts);
  }

  public JobRecord heartbeat(Instant now) {
    return new JobRecord(
        jobId, dataset, settings, state, workerId, now, step, checkpointKey, attempts);
  }

  public JobRecord checkpoint(long atStep, String key, Instant now) {
    return new JobRecord(jobId, dataset, settings, state, workerId, now, atStep, key, attempts);
  }

  public JobRecord resumedBy(String worker, Instant now) {
    return new JobRecord(
        jobId, dataset, settings, State.RESUMED, worker, now, step, checkpointKey, attempts + 1);
  }

  /**
   * Let go by a worker that is stopping: a heartbeat in the distant past makes the job stale at
   * once, so the next recovery scan of any worker resumes it.
   */
  public JobRecord handedOver() {
    return new JobRecord(
        jobId, dataset, settings, state, workerId, Instant.EPOCH, step, checkpointKey, attempts);
  }

  public JobRecord ended(State end, Instant now) {
    return new JobRecord(
        jobId, dataset, settings, end, workerId, now, step, checkpointKey, attempts);
  }
}
