package dev.cft.events.documents;

import com.fasterxml.jackson.annotation.JsonIgnore;
import dev.cft.events.DatasetReady;
import dev.cft.events.TrainingJobEvent.State;
import java.time.Instant;
import java.util.Map;

/**
 * {@code checkpoints/_jobs/<jobId>.json}, written by the train worker that owns the job: enough for
 * any worker to take it over. It holds the event that started the job, the settings it trains with
 * (so a resumed run is the same run), its owner and that owner's last heartbeat, and the latest
 * checkpoint.
 *
 * @param settings the training settings the job was accepted with, by train-service's setting names
 *     (those of {@code models/<domain>/training.json}); a record written before a setting existed
 *     lacks it, and a reader takes its own default for it
 * @param step the step of the latest checkpoint; absent before the first
 * @param checkpointKey prefix in the checkpoints bucket, {@code <jobId>/step-<k>/}; absent before
 *     the first
 * @param attempts the attempt its owner claimed: 0 for the worker that accepted it, then the
 *     attempt of each take-over ({@link JobClaim})
 * @param start what the run started from, fixed by its first worker (absent before): a resumed run
 *     continues from the same model even if production has moved meanwhile
 */
public record JobRecord(
    String jobId,
    DatasetReady dataset,
    Map<String, Object> settings,
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

  public JobRecord {
    settings = settings == null ? Map.of() : settings;
  }

  @JsonIgnore
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

  /** Taken over by {@code worker} for the attempt it claimed ({@link JobClaim}). */
  public JobRecord resumedBy(String worker, Instant now, int attempt) {
    return with(State.RESUMED, worker, now, step, checkpointKey, attempt, start);
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
