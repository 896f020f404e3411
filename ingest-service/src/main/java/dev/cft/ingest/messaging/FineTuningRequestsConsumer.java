package dev.cft.ingest.messaging;

import dev.cft.events.FineTuningRequested;
import dev.cft.ingest.service.FineTuningIntake;
import dev.cft.ingest.service.Outcome;
import dev.cft.runtime.kafka.KafkaMessages;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Handles each fine-tuning job created through the API, one at a time: its files become a dataset
 * version ({@code datasets.ready}) or the job is rejected ({@code ingest.rejected}).
 */
@ApplicationScoped
public class FineTuningRequestsConsumer {
  private static final Logger LOG = Logger.getLogger(FineTuningRequestsConsumer.class);

  private final FineTuningIntake intake;
  private final OutcomeEvents events;

  public FineTuningRequestsConsumer(FineTuningIntake intake, OutcomeEvents events) {
    this.intake = intake;
    this.events = events;
  }

  @Incoming(Channels.FINE_TUNING_REQUESTS)
  @Blocking // ordered: one record at a time
  public void onRequest(ConsumerRecord<String, FineTuningRequested> record) {
    FineTuningRequested request = record.value();
    if (request == null) {
      throw KafkaMessages.unreadable(record);
    }
    Outcome outcome = intake.process(request);
    events.send(outcome, request.domain());
    intake.record(request, outcome);
    LOG.infof(
        "%s (%s): %s (%s)",
        request.correlationId(), request.domain(), outcome.kind(), outcome.detail());
  }
}
