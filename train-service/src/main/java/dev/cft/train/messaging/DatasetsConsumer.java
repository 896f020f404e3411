package dev.cft.train.messaging;

import dev.cft.events.DatasetReady;
import dev.cft.runtime.kafka.KafkaMessages;
import dev.cft.train.service.TrainingJobs;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * One training job per {@code datasets.ready}, one at a time. The record is acknowledged when its
 * job has ended (succeeded or failed), so the group's lag is the work waiting and running; the
 * job's state lives on {@code training.jobs} and in its record in the store meanwhile.
 */
@ApplicationScoped
public class DatasetsConsumer {
  private final TrainingJobs jobs;

  public DatasetsConsumer(TrainingJobs jobs) {
    this.jobs = jobs;
  }

  @Incoming(Channels.DATASETS_READY)
  public CompletionStage<Void> onDatasetReady(ConsumerRecord<String, DatasetReady> record) {
    if (record.value() == null) {
      return CompletableFuture.failedFuture(KafkaMessages.unreadable(record));
    }
    return jobs.submit(record.value());
  }
}
