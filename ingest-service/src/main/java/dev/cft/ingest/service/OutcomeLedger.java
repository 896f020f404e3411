package dev.cft.ingest.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cft.events.DatasetReady;
import dev.cft.events.EventJson;
import dev.cft.events.IngestRejected;
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
  private static final String READY = "ready";
  private static final String REJECTED = "rejected";

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
                    event(entry, READY, DatasetReady.class),
                    event(entry, REJECTED, IngestRejected.class),
                    "already "
                        + entry.path("outcome").asText()
                        + ": "
                        + entry.path("detail").asText()));
  }

  /**
   * @param key what the entry is about, for people reading the ledger
   * @param landedAt when it was announced, for the time to {@code datasets.ready}
   */
  public void record(
      String domain,
      String id,
      String key,
      String correlationId,
      Instant landedAt,
      Outcome outcome) {
    if (outcome.kind() == Outcome.Kind.SKIPPED) {
      return;
    }
    count(domain, landedAt, outcome);
    ObjectNode entry = versions.json().createObjectNode();
    entry.put("key", key).put("outcome", outcome.kind().name());
    entry.put("detail", outcome.detail()).put("at", Instant.now().toString());
    entry.put("correlationId", correlationId);
    if (outcome.ready() != null) {
      entry.set(READY, tree(outcome.ready()));
    }
    if (outcome.rejected() != null) {
      entry.set(REJECTED, tree(outcome.rejected()));
    }
    versions.record(domain, id, entry);
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

  private JsonNode tree(Object event) {
    try {
      return versions.json().readTree(EventJson.toBytes(event));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static <T> T event(JsonNode entry, String field, Class<T> type) {
    JsonNode node = entry.get(field);
    return node == null || !node.isObject()
        ? null
        : EventJson.fromBytes(
            node.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8), type);
  }
}
