package dev.cft.train.service;

import dev.cft.events.DatasetReady;
import dev.cft.events.TrainingJobEvent;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Queues jobs: one domain's jobs run one at a time in arrival order, different domains side by side
 * (the Kafka key spreads domains over the workers of the consumer group).
 */
@ApplicationScoped
public class TrainingJobs {
  private final JobRunner runner;
  private final dev.cft.train.messaging.JobEvents events;
  private final Map<String, ExecutorService> domains = new ConcurrentHashMap<>();

  public TrainingJobs(JobRunner runner, dev.cft.train.messaging.JobEvents events) {
    this.runner = runner;
    this.events = events;
  }

  public void submit(DatasetReady ready) {
    events.job(
        ready,
        JobRunner.jobId(ready),
        TrainingJobEvent.State.QUEUED,
        runner.baseModel(),
        null,
        null,
        null,
        null);
    domains
        .computeIfAbsent(
            ready.domain(),
            d -> Executors.newSingleThreadExecutor(r -> new Thread(r, "train-" + d)))
        .submit(() -> runner.run(ready));
  }

  void stop(@Observes ShutdownEvent event) {
    domains.values().forEach(ExecutorService::shutdownNow);
  }
}
