package dev.cft.ingest.service;

import dev.cft.events.DatasetReady;
import dev.cft.events.IngestRejected;

/**
 * What became of one ingested object; the event (if any) is sent before the outcome is recorded, so
 * a crash in between re-sends it (same event id) rather than losing it.
 */
public record Outcome(Kind kind, String detail, DatasetReady ready, IngestRejected rejected) {
  public enum Kind {
    /** A new dataset version. */
    ACCEPTED,
    /** Nothing new: every example is in an earlier version. */
    DUPLICATE,
    /** Quarantined with its errors. */
    REJECTED,
    /** Already handled, or gone from the bucket. */
    SKIPPED
  }

  static Outcome accepted(DatasetReady ready, String detail) {
    return new Outcome(Kind.ACCEPTED, detail, ready, null);
  }

  static Outcome rejected(IngestRejected rejected, String detail) {
    return new Outcome(Kind.REJECTED, detail, null, rejected);
  }

  static Outcome of(Kind kind, String detail) {
    return new Outcome(kind, detail, null, null);
  }
}
