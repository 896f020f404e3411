package dev.cft.deploy.messaging;

import dev.cft.events.FineTuningRequested;
import dev.cft.events.TrainingCancelRequested;
import dev.cft.runtime.kafka.KafkaMessages;
import io.smallrye.reactive.messaging.MutinyEmitter;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Channel;

/** What the fine-tuning API asks of the pipeline, keyed by domain, sent once the broker has it. */
@ApplicationScoped
public class FineTuningCommands {
  public static final String REQUESTS = "fine-tuning-requests-out";
  public static final String CANCELLATIONS = "training-cancellations-out";

  private final MutinyEmitter<FineTuningRequested> requests;
  private final MutinyEmitter<TrainingCancelRequested> cancellations;

  public FineTuningCommands(
      @Channel(REQUESTS) MutinyEmitter<FineTuningRequested> requests,
      @Channel(CANCELLATIONS) MutinyEmitter<TrainingCancelRequested> cancellations) {
    this.requests = requests;
    this.cancellations = cancellations;
  }

  public void request(FineTuningRequested event) {
    requests.sendMessageAndAwait(KafkaMessages.keyed(event, event.domain()));
  }

  public void cancel(TrainingCancelRequested event) {
    cancellations.sendMessageAndAwait(KafkaMessages.keyed(event, event.domain()));
  }
}
