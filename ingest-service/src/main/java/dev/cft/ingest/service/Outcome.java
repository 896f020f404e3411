package dev.cft.ingest.service;

import dev.cft.events.DatasetReady;
import dev.cft.events.IngestRejected;
import dev.cft.ingest.metrics.IngestMetrics;

/**
 * What became of one ingested object; the event (if any) is sent before the outcome is recorded, so
 * a crash in between re-sends it (same event id) rather than losing it.
 */
public record Outcome(
    Kind kind,
    String detail,
    DatasetReady ready,
    IngestRejected rejected,
    IngestMetrics.Reason reason) {
  public enum Kind {
    /** A new dataset version. */
    ACCEPTED,
    /** Nothing new: every example is in an earlier version. */
    DUPLICATE,
    /** Quarantined with its errors. */
    REJECTED,
    /** Already handled (its recorded event, if any, is sent again), or gone from the bucket. */
    SKIPPED
  }

  static Outcome accepted(DatasetReady ready, String detail) {
    return new Outcome(Kind.ACCEPTED, detail, ready, null, null);
  }

  static Outcome rejected(IngestRejected rejected, String detail, IngestMetrics.Reason reason) {
    return new Outcome(Kind.REJECTED, detail, null, rejected, reason);
  }

  /** Nothing new, said with an event: an API job fails rather than waits. */
  static Outcome nothingNew(IngestRejected rejected, String detail) {
    return new Outcome(Kind.DUPLICATE, detail, null, rejected, null);
  }

  /** Already handled: the event sent then, sent again as it was. */
  static Outcome again(DatasetReady ready, IngestRejected rejected, String detail) {
    return new Outcome(Kind.SKIPPED, detail, ready, rejected, null);
  }

  static Outcome of(Kind kind, String detail) {
    return new Outcome(kind, detail, null, null, null);
  }
}
