package dev.cft.stack.cli;

import dev.cft.events.CandidateReady;
import dev.cft.events.DatasetReady;
import dev.cft.events.EvaluationCompleted;
import dev.cft.events.EventJson;
import dev.cft.events.ModelPromoted;
import dev.cft.events.PipelineEvent;
import dev.cft.events.TrainingJobEvent;
import dev.cft.events.TrainingProgress;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;

/**
 * What bench-base measures off its domain's events: when each stage was first seen, the last
 * progress report and the verdict. A failed job or a rejected candidate ends the run, with the line
 * that says why.
 */
final class StageTimes {
  enum Stage {
    DATASET,
    RUNNING,
    CANDIDATE,
    EVALUATED,
    PROMOTED
  }

  private final String domain;
  private final Map<Stage, Instant> at = new EnumMap<>(Stage.class);
  private TrainingProgress lastProgress;
  private EvaluationCompleted verdict;
  private String failure;

  StageTimes(String domain) {
    this.domain = domain;
  }

  /**
   * Takes {@code event}, seen at {@code when}, into account.
   *
   * @return whether it is of the bench's domain
   */
  boolean take(PipelineEvent event, Instant when) {
    if (!domain.equals(event.domain())) {
      return false;
    }
    if (event instanceof DatasetReady) {
      at.putIfAbsent(Stage.DATASET, when);
    } else if (event instanceof TrainingJobEvent job) {
      if (job.state() == TrainingJobEvent.State.RUNNING) {
        at.putIfAbsent(Stage.RUNNING, when);
      } else if (job.state() == TrainingJobEvent.State.FAILED) {
        failure = "training failed: " + (job.message() == null ? "" : job.message());
      }
    } else if (event instanceof TrainingProgress progress) {
      lastProgress = progress;
    } else if (event instanceof CandidateReady) {
      at.putIfAbsent(Stage.CANDIDATE, when);
    } else if (event instanceof EvaluationCompleted evaluated) {
      at.putIfAbsent(Stage.EVALUATED, when);
      verdict = evaluated;
      if (!evaluated.passed()) {
        failure = "\nthe gate rejected the candidate: " + EventJson.toJson(evaluated.reasons());
      }
    } else if (event instanceof ModelPromoted) {
      at.putIfAbsent(Stage.PROMOTED, when);
    }
    return true;
  }

  /** The line that says why the run ended early (it starts a line of its own if it must); null. */
  String failure() {
    return failure;
  }

  boolean promoted() {
    return at.containsKey(Stage.PROMOTED);
  }

  /** Promoted, with the job seen running and reporting progress: every figure is there. */
  boolean complete() {
    return promoted() && lastProgress != null && at.containsKey(Stage.RUNNING);
  }

  /** Seconds from the first sight of one stage to the first sight of another. */
  double seconds(Stage from, Stage to) {
    return Duration.between(at.get(from), at.get(to)).toMillis() / 1000.0;
  }

  TrainingProgress lastProgress() {
    return lastProgress;
  }

  EvaluationCompleted verdict() {
    return verdict;
  }
}
