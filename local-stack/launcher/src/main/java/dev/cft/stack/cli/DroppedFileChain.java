package dev.cft.stack.cli;

import dev.cft.events.CandidateReady;
import dev.cft.events.DatasetReady;
import dev.cft.events.EvaluationCompleted;
import dev.cft.events.IngestRejected;
import dev.cft.events.ModelPromoted;
import dev.cft.events.PipelineEvent;
import dev.cft.events.TrainingJobEvent;
import dev.cft.events.TrainingProgress;

/**
 * One dropped object's chain, told apart from everything else on the topics: first the dataset
 * version that names the object among its sources (its correlation id is the chain's) or the
 * object's rejection at ingest, then the chain's job, progress, candidate, verdict and promotion.
 * The chain ends at a rejection, a failed verdict or the promotion.
 */
final class DroppedFileChain {
  private final String bucket;
  private final String key;
  private String correlationId;
  private EvaluationCompleted verdict;
  private boolean ended;

  DroppedFileChain(String bucket, String key) {
    this.bucket = bucket;
    this.key = key;
  }

  /**
   * Takes {@code event} into account.
   *
   * @return whether it is a stage of this chain (to be shown)
   */
  boolean take(PipelineEvent event) {
    if (ended) {
      return false;
    }
    if (correlationId == null) {
      if (event instanceof DatasetReady dataset
          && dataset.sourceKeys().contains(bucket + "/" + key)) {
        correlationId = dataset.correlationId();
        return true;
      }
      if (event instanceof IngestRejected rejected
          && rejected.sourceBucket().equals(bucket)
          && rejected.sourceKey().equals(key)) {
        ended = true;
        return true;
      }
      return false;
    }
    if (!correlationId.equals(event.correlationId()) || !isStage(event)) {
      return false;
    }
    if (event instanceof EvaluationCompleted evaluated) {
      verdict = evaluated;
      ended = !evaluated.passed();
    } else if (event instanceof ModelPromoted) {
      ended = true;
    }
    return true;
  }

  private static boolean isStage(PipelineEvent event) {
    return event instanceof TrainingJobEvent
        || event instanceof TrainingProgress
        || event instanceof CandidateReady
        || event instanceof EvaluationCompleted
        || event instanceof ModelPromoted;
  }

  /** Rejected at ingest, rejected by the gate, or promoted: nothing more will come. */
  boolean ended() {
    return ended;
  }

  /** The gate's verdict; null before it, and for an object rejected at ingest. */
  EvaluationCompleted verdict() {
    return verdict;
  }

  /** The chain's id, once its dataset version is known; else null. */
  String correlationId() {
    return correlationId;
  }
}
