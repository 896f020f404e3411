package dev.cft.stack.cli;

import dev.cft.events.CandidateReady;
import dev.cft.events.DatasetReady;
import dev.cft.events.EvaluationCompleted;
import dev.cft.events.EventJson;
import dev.cft.events.IngestRejected;
import dev.cft.events.ModelPromoted;
import dev.cft.events.PipelineEvent;
import dev.cft.events.TrainingJobEvent;
import dev.cft.events.TrainingProgress;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * How the demo shows a chain's stages: one line a stage, a progress bar redrawn in place while the
 * job trains, and the verdict as a table of candidate and production metrics with the gate's
 * reasons.
 */
final class StageLines {
  private static final int BAR = 30;

  private final PrintWriter out;
  private final int deployPort;
  private boolean midLine;

  StageLines(PrintWriter out, int deployPort) {
    this.out = out;
    this.deployPort = deployPort;
  }

  void show(PipelineEvent event) {
    if (event instanceof DatasetReady dataset) {
      say(
          String.format(
              Locale.ROOT,
              "  ingest   dataset %s v%d: %d train, %d val examples",
              dataset.domain(),
              dataset.datasetVersion(),
              dataset.trainExamples(),
              dataset.valExamples()));
    } else if (event instanceof IngestRejected rejected) {
      say("  ingest   rejected: " + EventJson.toJson(rejected.errors()));
    } else if (event instanceof TrainingJobEvent job) {
      job(job);
    } else if (event instanceof TrainingProgress progress) {
      progress(progress);
    } else if (event instanceof CandidateReady candidate) {
      endLine();
      say("  train    candidate " + candidate.modelVersion() + " registered");
    } else if (event instanceof EvaluationCompleted verdict) {
      verdict(verdict);
    } else if (event instanceof ModelPromoted promoted) {
      say(
          "  deploy   "
              + promoted.modelVersion()
              + " is production"
              + (promoted.previousVersion() != null
                  ? " (was " + promoted.previousVersion() + ")"
                  : "")
              + ", served at http://127.0.0.1:"
              + deployPort
              + "/v1");
    }
  }

  private void job(TrainingJobEvent job) {
    if (job.state() == TrainingJobEvent.State.HEARTBEAT) {
      return;
    }
    endLine();
    String detail = job.message() == null ? "" : job.message();
    String joint = job.state() == TrainingJobEvent.State.RUNNING ? " from " : ": ";
    say(
        "  train    job "
            + job.state().name().toLowerCase(Locale.ROOT)
            + (detail.isEmpty() ? "" : joint + detail));
  }

  private void progress(TrainingProgress progress) {
    long total = Math.max(1, progress.totalSteps());
    int filled = (int) (BAR * progress.step() / total);
    out.printf(
        Locale.ROOT,
        "\r  train    [%s%s] step %d/%d  loss %.3f  %,.0f tok/s   ",
        "#".repeat(filled),
        ".".repeat(BAR - filled),
        progress.step(),
        total,
        progress.trainLoss(),
        progress.tokensPerSecond());
    out.flush();
    midLine = true;
  }

  private void verdict(EvaluationCompleted verdict) {
    endLine();
    say(
        "  eval     "
            + verdict.modelVersion()
            + " vs "
            + (verdict.productionVersion() != null
                ? "production " + verdict.productionVersion()
                : "no production model yet"));
    Map<String, Double> production = verdict.productionMetrics();
    for (String key : new TreeSet<>(verdict.candidateMetrics().keySet())) {
      if (key.endsWith(".loss") || key.endsWith(".exact_match")) {
        say(
            String.format(
                Locale.ROOT,
                "           %-22s candidate %8.4f   production %s",
                key,
                verdict.candidateMetrics().get(key),
                production != null && production.containsKey(key)
                    ? String.format(Locale.ROOT, "%8.4f", production.get(key))
                    : "       -"));
      }
    }
    say("  eval     " + (verdict.passed() ? "PASSED" : "REJECTED"));
    verdict.reasons().forEach(r -> say("           - " + r));
  }

  /** Ends a progress bar's line, if one is open. */
  void endLine() {
    if (midLine) {
      out.println();
      midLine = false;
    }
  }

  void say(String line) {
    out.println(line);
    out.flush();
  }
}
