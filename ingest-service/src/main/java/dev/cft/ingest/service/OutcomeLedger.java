package dev.cft.ingest.service;

import dev.cft.events.documents.IngestLedgerEntry;
import dev.cft.ingest.metrics.IngestMetrics;
import dev.cft.ingest.storage.DatasetVersions;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.Optional;

/**
 * What became of each thing ingest was asked to take (a dropped object, an API job), noted in the
 * ledger with the event that was sent, once that event is on Kafka; and in the metrics.
 */
@ApplicationScoped
public class OutcomeLedger {
  private final DatasetVersions versions;
  private final IngestMetrics metrics;

  public OutcomeLedger(DatasetVersions versions, IngestMetrics metrics) {
    this.versions = versions;
    this.metrics = metrics;
  }

  public boolean has(String domain, String id) {
    return versions.ledger(domain, id).isPresent();
  }

  /** The recorded outcome, its event as it was sent (same id, same time), to send again. */
  public Optional<Outcome> recorded(String domain, String id) {
    return versions
        .ledger(domain, id)
        .map(
            entry ->
                Outcome.again(
                    entry.ready(),
                    entry.rejected(),
                    "already " + entry.outcome() + ": " + entry.detail()));
  }

  /**
   * @param key what the entry is about, for people reading the ledger
   * @param landedAt when it was announced, for the time to {@code datasets.ready}
   * @param keepEvent whether the entry keeps the event, to send it again when asked again (an API
   *     job's; a dropped object already in the ledger is skipped)
   */
  public void record(
      String domain,
      String id,
      String key,
      String correlationId,
      Instant landedAt,
      Outcome outcome,
      boolean keepEvent) {
    if (outcome.kind() == Outcome.Kind.SKIPPED) {
      return;
    }
    count(domain, landedAt, outcome);
    versions.record(domain, id, entry(key, correlationId, outcome, keepEvent));
  }

  /** The ledger entry for {@code outcome}, as {@link #record} writes it. */
  static IngestLedgerEntry entry(
      String key, String correlationId, Outcome outcome, boolean keepEvent) {
    return new IngestLedgerEntry(
        key,
        outcome.kind().name(),
        outcome.detail(),
        Instant.now(),
        correlationId,
        keepEvent ? outcome.ready() : null,
        keepEvent ? outcome.rejected() : null);
  }

  /** The outcome in the metrics only (nothing to note where no ledger can be kept). */
  public void count(String domain, Instant landedAt, Outcome outcome) {
    switch (outcome.kind()) {
      case SKIPPED -> {}
      case ACCEPTED -> metrics.accepted(domain, landedAt);
      case DUPLICATE -> metrics.duplicate(domain);
      case REJECTED -> metrics.rejected(domain, outcome.reason());
    }
  }
}
