package dev.cft.events.documents;

import dev.cft.events.DatasetReady;
import dev.cft.events.IngestRejected;
import java.time.Instant;

/**
 * {@code datasets/_ingested/<domain>/<id>.json}: what became of an ingested object or API job,
 * written once its event is on Kafka, so a redelivery is answered from here.
 *
 * @param key the object's key (an API job's training file as {@code <bucket>/<key>})
 * @param outcome {@code ACCEPTED}, {@code DUPLICATE} or {@code REJECTED}
 * @param ready the event sent for an accepted API job; absent otherwise
 * @param rejected the event sent for a rejected API job; absent otherwise
 */
public record IngestLedgerEntry(
    String key,
    String outcome,
    String detail,
    Instant at,
    String correlationId,
    DatasetReady ready,
    IngestRejected rejected) {}
