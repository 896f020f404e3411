package dev.cft.stack.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cft.events.EvaluationCompleted;
import dev.cft.events.TrainingJobEvent;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DroppedFileChainTest {
  private final TestEvents ours = new TestEvents("ours");
  private final TestEvents other = new TestEvents("other");
  private final DroppedFileChain chain = new DroppedFileChain("ingest", "support/tickets-0.jsonl");

  @Test
  void theChainIsTheDatasetsThatNamesTheObjectAndEndsAtThePromotion() {
    assertFalse(chain.take(ours.job(TrainingJobEvent.State.RUNNING, null)), "before its dataset");
    assertFalse(chain.take(other.dataset(1, "ingest/support/tickets-0.jsonl.bak")));
    assertFalse(chain.take(other.dataset(1, "quarantine/support/tickets-0.jsonl")));
    assertTrue(
        chain.take(ours.dataset(2, "ingest/support/x.jsonl", "ingest/support/tickets-0.jsonl")));
    assertEquals("ours", chain.correlationId());

    assertFalse(chain.take(other.job(TrainingJobEvent.State.RUNNING, null)), "another chain");
    assertFalse(chain.take(ours.dataset(3, "ingest/support/tickets-0.jsonl")), "not a stage now");
    assertTrue(chain.take(ours.job(TrainingJobEvent.State.RUNNING, null)));
    assertTrue(chain.take(ours.progress("job-1", 1, 2, 1.0, null)));
    assertTrue(chain.take(ours.candidate("v2")));
    EvaluationCompleted passed = ours.verdict("v2", "v1", true, Map.of("val.loss", 0.4), null);
    assertTrue(chain.take(passed));
    assertFalse(chain.ended(), "a passed verdict waits for its promotion");
    assertTrue(chain.take(ours.promoted("v2", "v1")));
    assertTrue(chain.ended());
    assertSame(passed, chain.verdict());
    assertFalse(chain.take(ours.promoted("v2", "v1")), "nothing after the end");
  }

  @Test
  void aFailedVerdictEndsTheChain() {
    chain.take(ours.dataset(1, "ingest/support/tickets-0.jsonl"));
    EvaluationCompleted failed =
        ours.verdict("v1", null, false, Map.of("val.loss", 0.4), null, "worse");
    assertTrue(chain.take(failed));
    assertTrue(chain.ended());
    assertSame(failed, chain.verdict());
  }

  @Test
  void theObjectsRejectionAtIngestEndsItWithoutAVerdict() {
    assertFalse(chain.take(other.rejected("ingest", "support/other.jsonl")));
    assertFalse(chain.take(other.rejected("elsewhere", "support/tickets-0.jsonl")));
    assertTrue(chain.take(other.rejected("ingest", "support/tickets-0.jsonl")));
    assertTrue(chain.ended());
    assertNull(chain.verdict());
  }
}
