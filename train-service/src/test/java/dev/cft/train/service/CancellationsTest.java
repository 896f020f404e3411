package dev.cft.train.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cft.events.DatasetReady;
import dev.cft.events.TrainingJobEvent.State;
import dev.cft.events.documents.JobRecord;
import dev.cft.train.storage.JobSettings;
import dev.cft.train.storage.JobStore;
import dev.cft.train.storage.OwnedJobs;
import dev.cft.train.storage.TrainConfigs;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class CancellationsTest {
  /** Owned jobs whose records go nowhere. */
  final OwnedJobs owned =
      new OwnedJobs(
          new JobStore(null) {
            @Override
            public void write(JobRecord record) {}

            @Override
            public boolean create(JobRecord record) {
              return true;
            }

            @Override
            public boolean takenOver(JobRecord record) {
              return false;
            }
          });

  final Cancellations cancellations = new Cancellations(owned);

  JobRecord queued(String jobId) {
    DatasetReady ready =
        new DatasetReady(
            "e1",
            "ftjob-1",
            "support",
            Instant.now(),
            1,
            "datasets",
            "support/v1/",
            "support/v1/manifest.json",
            10,
            1,
            100,
            "0".repeat(64),
            List.of(),
            null,
            null);
    return new JobRecord(
        jobId,
        ready,
        JobSettings.of(TrainConfigs.defaults()).asMap(),
        State.QUEUED,
        "w1",
        Instant.now(),
        null,
        null,
        0,
        null);
  }

  @Test
  void anOwnedJobAskedToStopIsCancelledWithTheReason() {
    owned.own(queued("j1"));
    cancellations.check("j1"); // not asked: goes on
    assertTrue(cancellations.request("j1", "user asked"));
    JobCancelled cancelled = assertThrows(JobCancelled.class, () -> cancellations.check("j1"));
    assertEquals("user asked", cancelled.reason());
    cancellations.forget("j1");
    cancellations.check("j1");
  }

  @Test
  void aJobThisWorkerDoesNotHoldIsNotItsBusiness() {
    assertFalse(cancellations.request("elsewhere", "user asked"));
    cancellations.check("elsewhere");
    owned.own(queued("j2"));
    owned.update("j2", r -> r.ended(State.SUCCEEDED, Instant.now()));
    assertFalse(cancellations.request("j2", "too late"), "it has ended");
    cancellations.check("j2");
  }
}
