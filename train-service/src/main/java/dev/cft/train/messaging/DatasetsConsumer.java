package dev.cft.train.messaging;

import dev.cft.events.DatasetReady;
import dev.cft.train.service.TrainingJobs;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * One training job per {@code datasets.ready}. The record is acknowledged once the job is queued: a
 * run takes longer than any consumer time-out, and its state lives on {@code training.jobs}.
 */
@ApplicationScoped
public class DatasetsConsumer {
  private final TrainingJobs jobs;

  public DatasetsConsumer(TrainingJobs jobs) {
    this.jobs = jobs;
  }

  @Incoming(Channels.DATASETS_READY)
  public void onDatasetReady(ConsumerRecord<String, DatasetReady> record) {
    if (record.value() == null) {
      throw new IllegalArgumentException(
          "unreadable datasets.ready record at " + record.partition() + "@" + record.offset());
    }
    jobs.submit(record.value());
  }
}
