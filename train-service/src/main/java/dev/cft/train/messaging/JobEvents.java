package dev.cft.train.messaging;

import dev.cft.events.CandidateReady;
import dev.cft.events.DatasetReady;
import dev.cft.events.EventIds;
import dev.cft.events.TrainingJobEvent;
import dev.cft.events.TrainingProgress;
import dev.cft.runtime.kafka.KafkaMessages;
import io.smallrye.reactive.messaging.MutinyEmitter;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import org.eclipse.microprofile.reactive.messaging.Channel;

/** Sends a job's events, keyed by domain, and waits for the broker's acknowledgement. */
@ApplicationScoped
public class JobEvents {
  private final MutinyEmitter<TrainingJobEvent> jobs;
  private final MutinyEmitter<TrainingProgress> progress;
  private final MutinyEmitter<CandidateReady> candidates;

  public JobEvents(
      @Channel(Channels.TRAINING_JOBS) MutinyEmitter<TrainingJobEvent> jobs,
      @Channel(Channels.TRAINING_PROGRESS) MutinyEmitter<TrainingProgress> progress,
      @Channel(Channels.CANDIDATES_READY) MutinyEmitter<CandidateReady> candidates) {
    this.jobs = jobs;
    this.progress = progress;
    this.candidates = candidates;
  }

  /** A change in the job's life (or a heartbeat) for the dataset version it trains on. */
  public void job(
      DatasetReady ready,
      String jobId,
      TrainingJobEvent.State state,
      String baseModel,
      String workerId,
      Long step,
      String checkpointKey,
      String message) {
    jobs.sendMessageAndAwait(
        KafkaMessages.keyed(
            new TrainingJobEvent(
                EventIds.random(),
                ready.correlationId(),
                ready.domain(),
                Instant.now(),
                jobId,
                state,
                ready.datasetVersion(),
                baseModel,
                workerId,
                step,
                checkpointKey,
                message),
            ready.domain()));
  }

  public void progress(TrainingProgress event) {
    progress.sendMessageAndAwait(KafkaMessages.keyed(event, event.domain()));
  }

  public void candidate(CandidateReady event) {
    candidates.sendMessageAndAwait(KafkaMessages.keyed(event, event.domain()));
  }
}
