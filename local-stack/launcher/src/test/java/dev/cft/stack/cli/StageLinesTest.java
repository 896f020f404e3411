package dev.cft.stack.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cft.events.TrainingJobEvent;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StageLinesTest {
  private final TestEvents chain = new TestEvents("c");
  private final StringWriter shown = new StringWriter();
  private final StageLines lines = new StageLines(new PrintWriter(shown), 8080);

  @Test
  void theJobsLinesAndAProgressBarRedrawnInPlace() {
    lines.show(chain.dataset(2, "ingest/support/a.jsonl"));
    lines.show(chain.job(TrainingJobEvent.State.QUEUED, null));
    lines.show(chain.job(TrainingJobEvent.State.RUNNING, "support:v1"));
    lines.show(chain.progress("job-1", 5, 20, 1.23456, null));
    lines.show(chain.job(TrainingJobEvent.State.HEARTBEAT, "alive"));
    lines.show(chain.progress("job-1", 20, 20, 0.5, 0.6));
    lines.show(chain.job(TrainingJobEvent.State.SUCCEEDED, "stopped early"));
    lines.show(chain.candidate("v2"));
    lines.show(chain.promoted("v2", "v1"));
    lines.show(chain.promoted("v1", null));
    assertEquals(
        String.join(
            "\n",
            "  ingest   dataset support v2: 72 train, 8 val examples",
            "  train    job queued",
            "  train    job running from support:v1",
            "\r  train    [#######.......................] step 5/20  loss 1.235  1,235 tok/s   "
                + "\r  train    [##############################] step 20/20  loss 0.500  1,235"
                + " tok/s   ",
            "  train    job succeeded: stopped early",
            "  train    candidate v2 registered",
            "  deploy   v2 is production (was v1), served at http://127.0.0.1:8080/v1",
            "  deploy   v1 is production, served at http://127.0.0.1:8080/v1",
            ""),
        shown.toString().replace(System.lineSeparator(), "\n"));
  }

  @Test
  void theVerdictIsATableOfLossesAndExactMatchesThenTheReasons() {
    lines.show(chain.progress("job-1", 0, 0, 2.0, null));
    lines.show(
        chain.verdict(
            "v2",
            "v1",
            false,
            Map.of("val.loss", 0.5, "golden.exact_match", 0.85, "val.perplexity", 1.6),
            Map.of("val.loss", 0.25),
            "retention loss worse",
            "golden loss worse"));
    lines.show(chain.verdict("v1", null, true, Map.of("golden.loss", 0.0105), null));
    assertEquals(
        String.join(
            "\n",
            "\r  train    [..............................] step 0/1  loss 2.000  1,235 tok/s   ",
            "  eval     v2 vs production v1",
            "           golden.exact_match     candidate   0.8500   production        -",
            "           val.loss               candidate   0.5000   production   0.2500",
            "  eval     REJECTED",
            "           - retention loss worse",
            "           - golden loss worse",
            "  eval     v1 vs no production model yet",
            "           golden.loss            candidate   0.0105   production        -",
            "  eval     PASSED",
            ""),
        shown.toString().replace(System.lineSeparator(), "\n"));
  }

  @Test
  void aRejectionAtIngestShowsTheFirstErrors() {
    lines.show(chain.rejected("ingest", "support/bad.jsonl"));
    assertEquals(
        "  ingest   rejected: [{\"line\":3,\"field\":\"messages[0].role\",\"message\":\"must be"
            + " user\"},{\"message\":\"no assistant message\"}]\n",
        shown.toString().replace(System.lineSeparator(), "\n"));
  }
}
