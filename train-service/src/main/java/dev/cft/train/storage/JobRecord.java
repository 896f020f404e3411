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
 * @param start what the run started from, fixed by its first worker (null before): a resumed run
 *     continues from the same model even if production has moved meanwhile
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
    int attempts,
    Start start) {

  /**
   * @param from {@code tiny} (from scratch) or the store prefix of the model in the models bucket
   * @param parentVersion the domain's version it is, when it is one
   */
  public record Start(String from, String parentVersion) {}

  public boolean isTerminal() {
    return state.isTerminal();
  }

  public JobRecord owned(String worker, State newState, Instant now) {
    return with(newState, worker, now, step, checkpointKey, attempts, start);
  }

  public JobRecord heartbeat(Instant now) {
    return with(state, workerId, now, step, checkpointKey, attempts, start);
  }

  public JobRecord checkpoint(long atStep, String key, Instant now) {
    return with(state, workerId, now, atStep, key, attempts, start);
  }

  public JobRecord resumedBy(String worker, Instant now) {
    return with(State.RESUMED, worker, now, step, checkpointKey, attempts + 1, start);
  }

  public JobRecord startedFrom(Start from) {
    return with(state, workerId, heartbeatAt, step, checkpointKey, attempts, from);
  }

  /**
   * Let go by a worker that is stopping: a heartbeat in the distant past makes the job stale at
   * once, so the next recovery scan of any worker resumes it.
   */
  public JobRecord handedOver() {
    return with(state, workerId, Instant.EPOCH, step, checkpointKey, attempts, start);
  }

  public JobRecord ended(State end, Instant now) {
    return with(end, workerId, now, step, checkpointKey, attempts, start);
  }

  private JobRecord with(
      State newState, String worker, Instant beat, Long atStep, String key, int tries, Start from) {
    return new JobRecord(
        jobId, dataset, settings, newState, worker, beat, atStep, key, tries, from);
  }
}
