package dev.cft.deploy.messaging;

import dev.cft.deploy.finetuning.FineTuningJobs;
import dev.cft.deploy.finetuning.JobIds;
import dev.cft.events.CandidateReady;
import dev.cft.events.DatasetReady;
import dev.cft.events.EvaluationCompleted;
import dev.cft.events.EventJson;
import dev.cft.events.IngestRejected;
import dev.cft.events.ModelPromoted;
import dev.cft.events.PipelineEvent;
import dev.cft.events.Topics;
import dev.cft.events.TrainingJobEvent;
import dev.cft.events.TrainingProgress;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Follows the whole flow for the API's jobs: every event whose correlation id is a job's id moves
 * that job on (one consumer group, so one replica writes each job's state, in order per domain).
 * Events of chains started by dropped files are skipped unread.
 */
@ApplicationScoped
public class PipelineFollower {
  public static final String CHANNEL = "pipeline-follow";
  private static final Logger LOG = Logger.getLogger(PipelineFollower.class);

  /** The topics the channel reads ({@code application.properties}) and what each carries. */
  static final Map<String, Class<? extends PipelineEvent>> TYPES =
      Map.of(
          Topics.DATASETS_READY, DatasetReady.class,
          Topics.INGEST_REJECTED, IngestRejected.class,
          Topics.TRAINING_JOBS, TrainingJobEvent.class,
          Topics.TRAINING_PROGRESS, TrainingProgress.class,
          Topics.CANDIDATES_READY, CandidateReady.class,
          Topics.EVALUATIONS_COMPLETED, EvaluationCompleted.class,
          Topics.MODELS_PROMOTED, ModelPromoted.class);

  private final FineTuningJobs jobs;

  public PipelineFollower(FineTuningJobs jobs) {
    this.jobs = jobs;
  }

  @Incoming(CHANNEL)
  @Blocking
  public void onEvent(ConsumerRecord<String, byte[]> record) {
    Class<? extends PipelineEvent> type = TYPES.get(record.topic());
    if (type == null || record.value() == null || !mentionsJob(record.value())) {
      return;
    }
    PipelineEvent event;
    try {
      event = EventJson.fromBytes(record.value(), type);
    } catch (IllegalArgumentException e) {
      // Its own consumer dead-letters it; here it can only be skipped.
      LOG.warnf("%s offset %d skipped: %s", record.topic(), record.offset(), e.getMessage());
      return;
    }
    if (JobIds.isJob(event.correlationId())) {
      jobs.follow(event);
    }
  }

  /** Cheap test before parsing: a job's id is in the payload (as its correlation id). */
  private static boolean mentionsJob(byte[] json) {
    return new String(json, java.nio.charset.StandardCharsets.UTF_8)
        .contains("\"" + JobIds.JOB + "-");
  }
}
