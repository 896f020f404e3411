package dev.cft.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cft.events.DatasetReady;
import dev.cft.events.ModelKeys;
import dev.cft.events.TrainingJobEvent.State;
import dev.cft.events.documents.JobRecord;
import dev.cft.runtime.store.ObjectStore;
import dev.cft.runtime.store.TestStores;
import dev.cft.stack.test.LocalStackExtension;
import dev.cft.train.storage.CheckpointRetention;
import dev.cft.train.storage.JobStore;
import io.minio.MinioClient;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Checkpoints of jobs that ended longer ago than the retention are deleted from the real store;
 * those of recent or unfinished jobs, every job record and every version's files stay.
 */
@ExtendWith(LocalStackExtension.class)
class CheckpointRetentionIT {
  static final Duration RETENTION = Duration.ofDays(7);
  // Other tests share the store: their jobs ended moments ago, well within the retention.
  static final Instant NOW = Instant.now();

  private final MinioClient client;
  private final ObjectStore store;
  private final JobStore jobs;

  CheckpointRetentionIT() {
    client = TestStores.client();
    store = TestStores.objectStore(client);
    jobs = new JobStore(store);
  }

  @AfterEach
  void close() throws Exception {
    client.close();
  }

  @Test
  void onlyTheCheckpointsOfJobsEndedBeforeTheRetentionGo() {
    JobRecord old = job(State.SUCCEEDED, NOW.minus(Duration.ofDays(8)));
    JobRecord recent = job(State.FAILED, NOW.minus(Duration.ofDays(6)));
    JobRecord abandoned = job(State.RUNNING, NOW.minus(Duration.ofDays(30)));
    for (JobRecord record : List.of(old, recent, abandoned)) {
      jobs.write(record);
      checkpoint(record.jobId() + "/step-5/model.safetensors");
      checkpoint(record.jobId() + "/step-10/training_state.json");
    }
    checkpoint("_claims/" + old.jobId() + "/1.json");
    // A damaged record naming a prefix of the bucket's own must not reach it.
    JobRecord damaged = job(State.SUCCEEDED, NOW.minus(Duration.ofDays(30)));
    jobs.write(
        new JobRecord(
            "_claims",
            damaged.dataset(),
            damaged.settings(),
            damaged.state(),
            damaged.workerId(),
            damaged.heartbeatAt(),
            null,
            null,
            0,
            null));
    checkpoint("_claims/" + abandoned.jobId() + "/1.json");
    String version = ModelKeys.version(old.dataset().domain(), "v1") + "model.safetensors";
    store.write("models", version, new byte[] {1}, "application/octet-stream");

    CheckpointRetention retention = new CheckpointRetention(jobs, store, null);
    assertEquals(0, retention.sweep(NOW, Duration.ZERO), "retention 0 keeps everything");
    assertEquals(3, retention.sweep(NOW, RETENTION), "two checkpoint files and a claim");

    assertTrue(store.list("checkpoints", old.jobId() + "/").isEmpty(), "the old job's are gone");
    assertTrue(store.list("checkpoints", "_claims/" + old.jobId() + "/").isEmpty());
    assertTrue(jobs.read(old.jobId()).isPresent(), "its record stays: it ended, for good");
    assertEquals(2, store.list("checkpoints", recent.jobId() + "/").size(), "ended 6 days ago");
    assertEquals(2, store.list("checkpoints", abandoned.jobId() + "/").size(), "not ended");
    assertTrue(store.exists("models", version), "a version's files are never touched");
    assertTrue(
        store.exists("checkpoints", "_claims/" + abandoned.jobId() + "/1.json"),
        "a running job's claim stays, whatever a damaged record names");
    assertEquals(0, retention.sweep(NOW, RETENTION), "a second pass has nothing to do");
    assertFalse(store.exists("checkpoints", old.jobId() + "/step-5/model.safetensors"));
  }

  private void checkpoint(String key) {
    store.write("checkpoints", key, new byte[] {1, 2, 3}, "application/octet-stream");
  }

  private static JobRecord job(State state, Instant lastBeat) {
    String domain = "keep-" + UUID.randomUUID().toString().substring(0, 8);
    DatasetReady ready = TestJobs.dataset(domain, lastBeat);
    return new JobRecord(
        UUID.randomUUID().toString(),
        ready,
        Map.of("baseModel", "tiny"),
        state,
        "worker-1",
        lastBeat,
        10L,
        null,
        0,
        null);
  }
}
