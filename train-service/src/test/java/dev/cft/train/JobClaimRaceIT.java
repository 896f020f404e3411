package dev.cft.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cft.events.DatasetReady;
import dev.cft.events.TrainingJobEvent.State;
import dev.cft.events.documents.JobRecord;
import dev.cft.runtime.store.TestStores;
import dev.cft.stack.test.LocalStackExtension;
import dev.cft.train.storage.JobStore;
import dev.cft.train.storage.OwnedJobs;
import io.minio.MinioClient;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Who runs a job is settled by the real S3 server's create-only write: two workers racing for the
 * same stale job (or the same new one) at the same instant, 50 times over, and exactly one of them
 * gets it each time; the worker that lost the job to a take-over finds out before its next write.
 */
@ExtendWith(LocalStackExtension.class)
class JobClaimRaceIT {
  static final int RACES = 50;
  static final Duration STALE_AFTER = Duration.ofSeconds(30);

  private final MinioClient client;
  private final JobStore jobs;
  private final ExecutorService workers = Executors.newFixedThreadPool(2);

  JobClaimRaceIT() {
    client = TestStores.client();
    jobs = new JobStore(TestStores.objectStore(client));
  }

  @AfterEach
  void close() throws Exception {
    workers.shutdownNow();
    client.close();
  }

  @Test
  void ofTwoWorkersRacingForAStaleJobExactlyOneTakesItOverEachTime() throws Exception {
    for (int race = 0; race < RACES; race++) {
      JobRecord stale = record(race % 3, "a-worker-that-died");
      jobs.write(stale);
      OwnedJobs formerOwner = new OwnedJobs(jobs);
      formerOwner.own(stale);
      List<Optional<JobRecord>> results =
          race(
              () -> jobs.takeOver(stale, "worker-a", STALE_AFTER, Instant.now()),
              () -> jobs.takeOver(stale, "worker-b", STALE_AFTER, Instant.now()));

      String where = "race " + race;
      assertEquals(1, results.stream().filter(Optional::isPresent).count(), where + ": winners");
      JobRecord won = results.stream().flatMap(Optional::stream).findFirst().orElseThrow();
      JobRecord stored = jobs.read(stale.jobId()).orElseThrow();
      assertEquals(won.workerId(), stored.workerId(), where + ": the record names the winner");
      assertEquals(stale.attempts() + 1, stored.attempts(), where);
      assertEquals(State.RESUMED, stored.state(), where);

      OwnedJobs winner = new OwnedJobs(jobs);
      winner.own(won);
      assertNotNull(winner.update(stale.jobId(), r -> r.heartbeat(Instant.now())), where);
      assertNull(
          formerOwner.update(stale.jobId(), r -> r.heartbeat(Instant.now())),
          where + ": the worker presumed dead finds its job taken over and writes nothing");
      assertFalse(formerOwner.owns(stale.jobId()), where);
      assertEquals(won.workerId(), jobs.read(stale.jobId()).orElseThrow().workerId(), where);
    }
  }

  @Test
  void ofTwoWorkersAcceptingTheSameNewJobExactlyOneOwnsIt() throws Exception {
    for (int race = 0; race < RACES; race++) {
      JobRecord fresh = record(0, null);
      OwnedJobs a = new OwnedJobs(jobs);
      OwnedJobs b = new OwnedJobs(jobs);
      List<Boolean> results =
          race(
              () -> a.ownNew(withWorker(fresh, "worker-a")),
              () -> b.ownNew(withWorker(fresh, "worker-b")));
      String where = "race " + race;
      assertEquals(1, results.stream().filter(won -> won).count(), where + ": owners");
      String owner = results.get(0) ? "worker-a" : "worker-b";
      assertEquals(owner, jobs.read(fresh.jobId()).orElseThrow().workerId(), where);
      assertTrue((results.get(0) ? a : b).owns(fresh.jobId()), where);
      assertFalse((results.get(0) ? b : a).owns(fresh.jobId()), where);
    }
  }

  /**
   * A worker that claimed an attempt and died before writing the record must not block the job for
   * ever: once its claim is stale, the next attempt is claimed.
   */
  @Test
  void aClaimWhoseWorkerDiedBeforeTakingTheJobIsPassedOnceStale() {
    JobRecord stale = record(0, "a-worker-that-died");
    jobs.write(stale);
    Instant claimedLongAgo = Instant.now().minus(STALE_AFTER.multipliedBy(2));
    assertTrue(
        jobs.takeOver(stale, "a-taker-that-died-too", STALE_AFTER, claimedLongAgo).isPresent());
    jobs.write(stale); // as if the taker had died before its record was written

    assertTrue(
        jobs.takeOver(stale, "worker-b", STALE_AFTER, claimedLongAgo.plusSeconds(1)).isEmpty(),
        "a fresh claim of the attempt is respected");
    JobRecord taken = jobs.takeOver(stale, "worker-b", STALE_AFTER, Instant.now()).orElseThrow();
    assertEquals(2, taken.attempts(), "attempt 1's claim went stale: attempt 2");
    assertEquals("worker-b", jobs.read(stale.jobId()).orElseThrow().workerId());
  }

  /** Runs both at the same instant (a barrier), returns their results in order. */
  private <T> List<T> race(Callable<T> a, Callable<T> b) throws Exception {
    CyclicBarrier start = new CyclicBarrier(2);
    Future<T> first = workers.submit(() -> at(start, a));
    Future<T> second = workers.submit(() -> at(start, b));
    return List.of(first.get(), second.get());
  }

  private static <T> T at(CyclicBarrier start, Callable<T> call) throws Exception {
    start.await();
    return call.call();
  }

  private static JobRecord record(int attempts, String worker) {
    String domain = "race-" + UUID.randomUUID().toString().substring(0, 8);
    DatasetReady ready = TestJobs.dataset(domain, Instant.now());
    return new JobRecord(
        "job-" + domain,
        ready,
        Map.of("baseModel", "tiny"),
        State.RUNNING,
        worker,
        Instant.EPOCH,
        null,
        null,
        attempts,
        null);
  }

  private static JobRecord withWorker(JobRecord record, String worker) {
    return new JobRecord(
        record.jobId(),
        record.dataset(),
        record.settings(),
        State.QUEUED,
        worker,
        Instant.now(),
        null,
        null,
        0,
        null);
  }
}
