package dev.cft.ingest.messaging;

import dev.cft.events.ObjectLanded;
import dev.cft.ingest.service.IngestService;
import dev.cft.ingest.service.Outcome;
import dev.cft.runtime.kafka.KafkaMessages;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Handles each object a notification announces, one at a time: records are keyed by domain, so one
 * domain's objects are ingested in order and never concurrently (versions are numbered in order).
 */
@ApplicationScoped
public class ObjectEventsConsumer {
  private static final Logger LOG = Logger.getLogger(ObjectEventsConsumer.class);

  private final IngestService ingest;
  private final OutcomeEvents events;

  public ObjectEventsConsumer(IngestService ingest, OutcomeEvents events) {
    this.ingest = ingest;
    this.events = events;
  }

  @Incoming(Channels.OBJECTS_IN)
  @Blocking // ordered: one record at a time
  public void onNotification(ConsumerRecord<String, List<ObjectLanded>> record) {
    // A ConsumerRecord, not the List itself: a List parameter would make this a batch consumer.
    if (record.value() == null) {
      throw KafkaMessages.unreadable(record);
    }
    for (ObjectLanded landed : record.value()) {
      Outcome outcome = ingest.process(landed);
      events.send(outcome, landed.domain());
      ingest.record(landed, outcome);
      LOG.infof(
          "s3://%s/%s: %s (%s)", landed.bucket(), landed.key(), outcome.kind(), outcome.detail());
    }
  }
}
