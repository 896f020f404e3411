package dev.cft.train.messaging;

import dev.cft.events.TrainingCancelRequested;
import dev.cft.runtime.kafka.KafkaMessages;
import dev.cft.train.service.Cancellations;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Requests to stop a training job ({@code training.cancellations}). Every worker hears every one,
 * in a consumer group of its own; the worker that holds the job stops it, the others ignore it.
 */
@ApplicationScoped
public class CancellationsConsumer {
  private static final Logger LOG = Logger.getLogger(CancellationsConsumer.class);

  private final Cancellations cancellations;

  public CancellationsConsumer(Cancellations cancellations) {
    this.cancellations = cancellations;
  }

  @Incoming(Channels.TRAINING_CANCELLATIONS)
  public void onCancelRequested(ConsumerRecord<String, TrainingCancelRequested> record) {
    TrainingCancelRequested request = record.value();
    if (request == null) {
      LOG.warnf(
          "unreadable cancellation request skipped: %s",
          KafkaMessages.unreadable(record).getMessage());
      return;
    }
    cancellations.request(request.jobId(), request.reason());
  }
}
