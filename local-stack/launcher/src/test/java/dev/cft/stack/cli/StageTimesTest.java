package dev.cft.stack.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cft.events.TrainingJobEvent;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StageTimesTest {
  private final TestEvents chain = new TestEvents("c");
  private static final Instant T0 = Instant.parse("2025-03-01T10:00:00Z");

  @Test
  void eachStageIsTimedFromItsFirstSight() {
    StageTimes times = new StageTimes(TestEvents.DOMAIN);
    assertFalse(new StageTimes("other").take(chain.candidate("v1"), T0), "another domain");
    times.take(chain.dataset(1, "ingest/support/a.jsonl"), T0);
    times.take(chain.job(TrainingJobEvent.State.RUNNING, null), T0.plusSeconds(2));
    times.take(chain.job(TrainingJobEvent.State.RUNNING, null), T0.plusSeconds(5));
    times.take(chain.progress("job-1", 10, 30, 1.0, null), T0.plusSeconds(10));
    times.take(chain.progress("job-1", 30, 30, 0.5, null), T0.plusSeconds(20));
    times.take(chain.candidate("v1"), T0.plusMillis(32_500));
    times.take(chain.verdict("v1", null, true, Map.of("val.loss", 0.3), null), T0.plusSeconds(40));
    assertFalse(times.promoted());
    assertFalse(times.complete());
    times.take(chain.promoted("v1", null), T0.plusSeconds(43));

    assertTrue(times.complete());
    assertNull(times.failure());
    assertEquals(30.5, times.seconds(StageTimes.Stage.RUNNING, StageTimes.Stage.CANDIDATE));
    assertEquals(7.5, times.seconds(StageTimes.Stage.CANDIDATE, StageTimes.Stage.EVALUATED));
    assertEquals(3.0, times.seconds(StageTimes.Stage.EVALUATED, StageTimes.Stage.PROMOTED));
    assertEquals(30, times.lastProgress().step());
    assertEquals(0.3, times.verdict().candidateMetrics().get("val.loss"));
  }

  @Test
  void aPromotionWithoutProgressIsNotComplete() {
    StageTimes times = new StageTimes(TestEvents.DOMAIN);
    times.take(chain.job(TrainingJobEvent.State.RUNNING, null), T0);
    times.take(chain.promoted("v1", null), T0);
    assertTrue(times.promoted());
    assertFalse(times.complete());
  }

  @Test
  void aFailedJobOrARejectedCandidateSaysWhy() {
    StageTimes failed = new StageTimes(TestEvents.DOMAIN);
    failed.take(chain.job(TrainingJobEvent.State.FAILED, "out of memory"), T0);
    assertEquals("training failed: out of memory", failed.failure());

    StageTimes rejected = new StageTimes(TestEvents.DOMAIN);
    rejected.take(
        chain.verdict("v1", null, false, Map.of("val.loss", 9.0), null, "loss too high"), T0);
    assertEquals("\nthe gate rejected the candidate: [\"loss too high\"]", rejected.failure());
  }
}
