package dev.cft.train.service;

import ai.djl.ndarray.NDManager;
import dev.cft.events.Buckets;
import dev.cft.events.CandidateReady;
import dev.cft.events.DatasetReady;
import dev.cft.events.EventIds;
import dev.cft.events.FineTuning;
import dev.cft.events.ModelKeys;
import dev.cft.events.TrainingJobEvent.State;
import dev.cft.events.documents.Documents;
import dev.cft.events.documents.JobRecord;
import dev.cft.lm.Gpt;
import dev.cft.lm.Lora;
import dev.cft.lm.data.Example;
import dev.cft.lm.io.Checkpoint;
import dev.cft.lm.tokenizer.TextTokenizer;
import dev.cft.lm.train.FineTuner;
import dev.cft.lm.train.TrainingRequest;
import dev.cft.lm.train.TrainingResult;
import dev.cft.lm.train.TrainingStopped;
import dev.cft.runtime.io.WorkDirs;
import dev.cft.runtime.store.ObjectStore;
import dev.cft.train.config.TrainConfig;
import dev.cft.train.messaging.JobEvents;
import dev.cft.train.metrics.TrainMetrics;
import dev.cft.train.storage.JobSettings;
import dev.cft.train.storage.OwnedJobs;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Runs one training job: what it starts from ({@link StartModels}: the model its API job names,
 * else the domain's production model, else the configured base) fine-tuned on the new dataset
 * version plus a replay sample of earlier ones, checkpoints uploaded as it goes, the result
 * registered as a candidate version with a card that records its lineage. A job asked to stop
 * ({@link Cancellations}) ends CANCELLED after its current step, or before it starts.
 */
@ApplicationScoped
public class JobRunner {
  private static final Logger LOG = Logger.getLogger(JobRunner.class);

  private final ObjectStore store;
  private final JobEvents events;
  private final OwnedJobs owned;
  private final TrainMetrics metrics;
  private final StartModels starts;
  private final Cancellations cancellations;
  private final JobListeners listeners;
  private final DatasetFiles datasets;
  private final JobSettings defaults;
  private final String workerId;
  private volatile boolean stopRequested;

  public JobRunner(
      ObjectStore store,
      TrainConfig config,
      JobEvents events,
      OwnedJobs owned,
      TrainMetrics metrics,
      StartModels starts,
      Cancellations cancellations,
      JobListeners listeners,
      DatasetFiles datasets) {
    this.store = store;
    this.datasets = datasets;
    this.listeners = listeners;
    this.starts = starts;
    this.cancellations = cancellations;
    this.metrics = metrics;
    this.events = events;
    this.owned = owned;
    this.defaults = JobSettings.of(config);
    this.workerId =
        config.workerId().orElseGet(JobRunner::hostName) + "-" + ProcessHandle.current().pid();
  }

  public String workerId() {
    return workerId;
  }

  /**
   * The worker is stopping: a running job checkpoints after its current step and is handed over.
   */
  public void requestStop() {
    stopRequested = true;
  }

  /** The settings the job was accepted with; what an older record lacks is this worker's. */
  private JobSettings settings(JobRecord record) {
    return defaults.with(record.settings());
  }

  public static String jobId(DatasetReady ready) {
    return EventIds.deterministic("TrainingJob", ready.domain(), ready.datasetVersion());
  }

  /**
   * Runs an owned job to its end: from its last checkpoint when it has one (a job taken over from a
   * worker that died), else from the start. A job cancelled before it starts ends at once.
   */
  public void run(String jobId) {
    JobRecord record = owned.update(jobId, r -> r);
    if (record == null) {
      return; // no longer ours
    }
    Instant started = Instant.now();
    DatasetReady ready = record.dataset();
    JobSettings settings = settings(record);
    String domain = ready.domain();
    String version = ModelKeys.versionName(ready.datasetVersion());
    String prefix = ModelKeys.version(domain, version);
    Path work = null;
    StartModels.Start start = null;
    try {
      if (store.exists(Buckets.MODELS, prefix + ModelKeys.CARD)) {
        LOG.infof("%s %s is already registered: job %s has nothing to do", domain, version, jobId);
        end(record, State.SUCCEEDED, "candidate " + version + " was already registered", started);
        return;
      }
      cancellations.check(jobId);
      work = WorkDirs.create("cft-job-");
      if (record.start() == null) {
        FineTuning asked = ready.fineTuning();
        start =
            starts.choose(
                domain,
                asked == null ? null : asked.model(),
                settings.baseModel(),
                work.resolve("parent"));
        JobRecord.Start pinned = new JobRecord.Start(start.name(), start.parentVersion());
        record = owned.update(jobId, r -> r.startedFrom(pinned));
        if (record == null) {
          return; // no longer ours
        }
      } else {
        start = starts.pinned(record.start(), work.resolve("parent"));
      }
      if (record.state() != State.RESUMED) {
        JobRecord running =
            owned.update(jobId, r -> r.owned(workerId, State.RUNNING, Instant.now()));
        if (running == null) {
          throw new JobTakenOver(jobId);
        }
        announce(running, State.RUNNING, start.name());
      }
      TrainingData train = datasets.train(ready, settings, work);
      List<Example> val = datasets.validation(ready, work);
      Path resume = null;
      if (record.checkpointKey() != null) {
        resume = work.resolve("resume");
        store.downloadDirectory(Buckets.CHECKPOINTS, record.checkpointKey(), resume);
      }
      Path out = work.resolve("model");
      TrainingResult result;
      JobSettings settled;
      try (NDManager manager = NDManager.newBaseManager();
          Gpt model = start.model(settings.seed(), manager);
          TextTokenizer tokenizer = start.tokenizer()) {
        settled =
            TrainingRecipe.settle(
                settings, model.config(), start.fromScratch(), tokenizer, train.examples());
        Lora.Config lora = TrainingRecipe.lora(settled);
        if (lora != null) {
          model.addLora(lora, settled.seed());
        }
        TrainingRequest request =
            TrainingRecipe.request(
                settled, train.examples(), val, work.resolve("checkpoints"), resume);
        result =
            new FineTuner(model, tokenizer)
                .train(request, listeners.of(record, () -> stopRequested, this::checkpointed));
        model.mergeLora(); // served as a plain GPT-2
        Checkpoint.save(model, tokenizer, out);
      }
      cancellations.check(jobId); // the last moment not to register it
      if (store.exists(Buckets.MODELS, prefix + ModelKeys.CARD)) {
        // Registered meanwhile by a worker that was presumed dead: the first one counts.
        end(record, State.SUCCEEDED, "candidate " + version + " was registered meanwhile", started);
        return;
      }
      store.uploadDirectory(out, Buckets.MODELS, prefix);
      store.write(
          Buckets.MODELS,
          prefix + ModelKeys.CARD,
          Documents.write(CandidateCard.of(ready, jobId, workerId, settled, train, start, result)),
          "application/json");
      events.candidate(
          new CandidateReady(
              EventIds.deterministic("CandidateReady", domain, version),
              ready.correlationId(),
              domain,
              Instant.now(),
              jobId,
              version,
              Buckets.MODELS,
              prefix,
              ready.datasetVersion(),
              start.parentVersion()));
      end(
          record,
          State.SUCCEEDED,
          "candidate "
              + version
              + " after "
              + result.steps()
              + " steps"
              + (result.stoppedEarly()
                  ? " of "
                      + result.totalSteps()
                      + " (stopped early: no better val loss; best at step "
                      + result.bestStep()
                      + ")"
                  : "")
              + (result.resumedFromStep() > 0
                  ? " (resumed at step " + result.resumedFromStep() + ")"
                  : ""),
          started);
      LOG.infof(
          "%s %s: trained %d steps, best val loss %.4f",
          domain, version, result.steps(), result.bestValidationLoss());
    } catch (JobCancelled e) {
      LOG.infof("job %s (%s v%d) cancelled: %s", jobId, domain, ready.datasetVersion(), e.reason());
      end(record, State.CANCELLED, e.reason(), started);
    } catch (JobTakenOver e) {
      LOG.warnf(
          "job %s (%s v%d): %s; stopped here",
          jobId, domain, ready.datasetVersion(), e.getMessage());
    } catch (TrainingStopped e) {
      JobRecord left = owned.update(jobId, JobRecord::handedOver);
      owned.release(jobId);
      LOG.infof("job %s (%s) stopped at step %d: handed over", jobId, domain, e.step());
      if (left != null) {
        announce(left, State.HEARTBEAT, "worker stopping: handed over at step " + e.step());
      }
    } catch (IOException | RuntimeException e) {
      LOG.errorf(e, "job %s (%s v%d) failed", jobId, domain, ready.datasetVersion());
      end(record, State.FAILED, String.valueOf(e.getMessage()), started);
    } catch (OutOfMemoryError | LinkageError e) {
      // Thrown on the jobs' executor, it would end the task without a word: the job fails, said.
      LOG.errorf(e, "job %s (%s v%d) failed", jobId, domain, ready.datasetVersion());
      end(record, State.FAILED, e.toString(), started);
    } finally {
      cancellations.forget(jobId);
      WorkDirs.delete(work);
    }
  }

  private void end(JobRecord record, State state, String message, Instant started) {
    metrics.jobEnded(
        record.dataset().domain(), state, java.time.Duration.between(started, Instant.now()));
    JobRecord ended = owned.update(record.jobId(), r -> r.ended(state, Instant.now()));
    if (ended == null) {
      // Taken over meanwhile: the job's owner reports its end, not this worker.
      LOG.warnf(
          "job %s is no longer this worker's: its %s here is not reported", record.jobId(), state);
      return;
    }
    announce(ended, state, message);
  }

  /** A checkpoint of a running job is its owner's heartbeat. */
  private void checkpointed(JobRecord record) {
    announce(record, State.HEARTBEAT, null);
  }

  /** Publishes the job's state on training.jobs. */
  public void announce(JobRecord record, State state, String message) {
    metrics.state(record.dataset().domain(), state);
    FineTuning asked = record.dataset().fineTuning();
    events.job(
        record.dataset(),
        record.jobId(),
        state,
        asked != null && asked.model() != null ? asked.model() : settings(record).baseModel(),
        workerId,
        record.step(),
        record.checkpointKey(),
        message);
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "worker-" + ProcessHandle.current().pid();
    }
  }
}
