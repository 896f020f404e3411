package dev.cft.ingest.messaging;

import dev.cft.events.DatasetReady;
import dev.cft.events.IngestRejected;
import dev.cft.ingest.service.Outcome;
import dev.cft.runtime.kafka.KafkaMessages;
import io.smallrye.reactive.messaging.MutinyEmitter;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Channel;

/** Sends an outcome's event, keyed by domain, and waits until Kafka has it. */
@ApplicationScoped
public class OutcomeEvents {
  private final MutinyEmitter<DatasetReady> ready;
  private final MutinyEmitter<IngestRejected> rejected;

  public OutcomeEvents(
      @Channel(Channels.DATASETS_READY) MutinyEmitter<DatasetReady> ready,
      @Channel(Channels.INGEST_REJECTED) MutinyEmitter<IngestRejected> rejected) {
    this.ready = ready;
    this.rejected = rejected;
  }

  public void send(Outcome outcome, String domain) {
    if (outcome.ready() != null) {
      ready.sendMessageAndAwait(KafkaMessages.keyed(outcome.ready(), domain));
    }
    if (outcome.rejected() != null) {
      rejected.sendMessageAndAwait(KafkaMessages.keyed(outcome.rejected(), domain));
    }
  }
}
