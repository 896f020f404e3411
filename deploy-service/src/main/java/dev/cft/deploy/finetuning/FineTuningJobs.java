package dev.cft.deploy.finetuning;

import dev.cft.deploy.messaging.FineTuningCommands;
import dev.cft.deploy.rest.OpenAiError;
import dev.cft.events.EvaluationCompleted;
import dev.cft.events.EventIds;
import dev.cft.events.FineTuning;
import dev.cft.events.FineTuningRequested;
import dev.cft.events.ModelKeys;
import dev.cft.events.PipelineEvent;
import dev.cft.events.TrainingCancelRequested;
import dev.cft.runtime.store.ObjectStore;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * The API's fine-tuning jobs. A job is created here and handed to the pipeline on {@code
 * fine_tuning.requests}; from then on it is a dataset version, a training job, a candidate and a
 * verdict like any dropped file's, and {@link #follow} reads its progress off the pipeline's
 * events.
 */
@ApplicationScoped
public class FineTuningJobs {
  private static final Pattern DOMAIN = ModelKeys.DOMAIN;

  private static final Logger LOG = Logger.getLogger(FineTuningJobs.class);

  private final FineTuningStore store;
  private final FineTuningCommands commands;
  private final StartModelNames starts;
  private final ObjectStore objects;
  private final UploadedFiles files;

  public FineTuningJobs(
      FineTuningStore store,
      FineTuningCommands commands,
      StartModelNames starts,
      ObjectStore objects,
      UploadedFiles files) {
    this.store = store;
    this.commands = commands;
    this.starts = starts;
    this.objects = objects;
    this.files = files;
  }

  public FineTuningJob create(CreateJob create, String caller) {
    FileObject training = fineTuneFile(create.trainingFile(), "training_file");
    FileObject validation =
        create.validationFile() == null
            ? null
            : fineTuneFile(create.validationFile(), "validation_file");
    String startFrom = starts.startFrom(create.model());
    String domain = create.suffix() != null ? create.suffix() : starts.domainOf(create.model());
    if (domain == null) {
      throw OpenAiError.invalid(
          "suffix",
          "'suffix' is required when 'model' is a base: it names the domain (model line) the"
              + " job trains");
    }
    if (!DOMAIN.matcher(domain).matches()) {
      throw OpenAiError.invalid(
          "suffix", "'suffix' names the domain and must match " + DOMAIN.pattern());
    }
    long seed =
        create.seed() != null ? create.seed() : ThreadLocalRandom.current().nextInt(1, 1 << 30);
    String id = JobIds.next(JobIds.JOB);
    Instant now = Instant.now();
    JobRequest request =
        new JobRequest(
            id,
            now.getEpochSecond(),
            create.model(),
            startFrom,
            domain,
            training.id(),
            validation == null ? null : validation.id(),
            seed,
            create.epochs(),
            create.batchSize(),
            create.learningRateMultiplier(),
            create.metadata(),
            caller);
    store.putRequest(request);
    store.putEvent(
        id,
        JobEvent.info(
            JobIds.derived(JobIds.EVENT, now, id),
            now.getEpochSecond(),
            "Created fine-tuning job "
                + id
                + " for "
                + domain
                + " from "
                + startFrom
                + "; validating "
                + training.id()
                + (validation == null ? "" : " and " + validation.id())));
    FineTuningRequested requested =
        new FineTuningRequested(
            EventIds.deterministic("FineTuningRequested", id),
            id,
            domain,
            now,
            reference(training),
            validation == null ? null : reference(validation),
            new FineTuning(
                id,
                startFrom,
                create.epochs(),
                create.batchSize(),
                create.learningRateMultiplier(),
                seed));
    try {
      commands.request(requested);
    } catch (RuntimeException e) {
      // Not handed over: the job says so rather than waiting for ever.
      JobState.Error error =
          new JobState.Error("server_error", "the job could not be handed to the pipeline", null);
      store.putState(
          id, JobState.created().ended(JobState.FAILED, now.getEpochSecond(), error, null));
      throw e;
    }
    LOG.infof("%s: %s fine-tunes %s from %s on %s", id, caller, domain, startFrom, training.id());
    return FineTuningJob.of(request, JobState.created());
  }

  public Optional<FineTuningJob> job(String id) {
    return store.request(id).map(request -> FineTuningJob.of(request, state(request.id())));
  }

  public Page<FineTuningJob> list(String after, int limit) {
    return Page.of(store.jobIds(), after, limit, id -> job(id).orElse(null));
  }

  public Page<JobEvent> events(String id, String after, int limit) {
    known(id);
    return Page.of(store.eventIds(id), after, limit, e -> store.event(id, e).orElse(null));
  }

  public Page<JobCheckpoint> checkpoints(String id, String after, int limit) {
    known(id);
    List<JobCheckpoint> all = store.checkpoints(id);
    List<String> ids = all.stream().map(JobCheckpoint::id).toList();
    return Page.of(
        ids,
        after,
        limit,
        c -> all.stream().filter(k -> k.id().equals(c)).findFirst().orElseThrow());
  }

  /**
   * Stops the job: before training, it never starts; while training, the worker stops after its
   * current step and takes its next job.
   */
  public FineTuningJob cancel(String id, String caller) {
    JobRequest request = known(id);
    JobState state = state(id);
    if (state.terminal()) {
      throw new OpenAiError(
          400, "Job " + id + " has already ended: " + state.status(), null, "job_ended");
    }
    if (state.fineTunedModel() != null) {
      throw new OpenAiError(
          400,
          "Job "
              + id
              + " has finished training: "
              + state.fineTunedModel()
              + " is being evaluated, which cannot be cancelled",
          null,
          "job_ended");
    }
    Instant at = Instant.now();
    store.putCancellation(id, new FineTuningStore.Cancellation(at.getEpochSecond(), caller));
    store.putEvent(
        id,
        JobEvent.info(
            JobIds.derived(JobIds.EVENT, at, id + "/cancel"),
            at.getEpochSecond(),
            "Job cancelled by " + caller));
    // Read again: the follower may have learnt the training job meanwhile, before it could see
    // the cancellation (it tells the training job itself on the job's next sign of life too).
    JobState now = state(id);
    if (now.trainingJobId() != null) {
      stopTraining(request, now.trainingJobId());
    }
    LOG.infof("%s cancelled by %s", id, caller);
    return FineTuningJob.of(request, now);
  }

  /**
   * Whether {@code correlationId} is a job cancelled through the API: its model is not promoted.
   */
  public boolean cancelled(String correlationId) {
    return JobIds.isJob(correlationId) && store.cancellation(correlationId).isPresent();
  }

  /** Moves the job the event belongs to (its correlation id) on. */
  public void follow(PipelineEvent event) {
    Optional<JobRequest> found = store.request(event.correlationId());
    if (found.isEmpty()) {
      LOG.warnf(
          "%s of %s names no job this API knows: skipped",
          event.getClass().getSimpleName(), event.correlationId());
      return;
    }
    JobRequest request = found.get();
    Optional<FineTuningStore.Cancellation> cancelled = store.cancellation(request.id());
    // Stored as cancelled once cancelled: what the chain does later never revives the job.
    JobState state =
        cancelled
            .map(c -> store.state(request.id()).ended(JobState.CANCELLED, c.at(), null, null))
            .orElseGet(() -> store.state(request.id()));
    String resultFile = null;
    if (event instanceof EvaluationCompleted verdict) {
      resultFile = resultFile(request, verdict);
    }
    JobProgress.Outcome outcome =
        JobProgress.apply(request, state, cancelled.isPresent(), event, resultFile);
    outcome.events().forEach(e -> store.putEvent(request.id(), e));
    if (outcome.checkpoint() != null) {
      store.putCheckpoint(request.id(), outcome.checkpoint());
    }
    store.putState(request.id(), outcome.state());
    if (outcome.cancelTrainingJob() != null) {
      stopTraining(request, outcome.cancelTrainingJob());
    }
  }

  /** The state as callers see it: a cancellation ends a job that had not ended. */
  private JobState state(String id) {
    JobState state = store.state(id);
    return store
        .cancellation(id)
        .map(c -> state.ended(JobState.CANCELLED, c.at(), null, null))
        .orElse(state);
  }

  private void stopTraining(JobRequest request, String trainingJobId) {
    commands.cancel(
        new TrainingCancelRequested(
            EventIds.random(),
            request.id(),
            request.domain(),
            Instant.now(),
            trainingJobId,
            "fine-tuning job " + request.id() + " was cancelled"));
  }

  /** The verdict's {@code evaluation.json}, kept as the job's result file. */
  private String resultFile(JobRequest request, EvaluationCompleted verdict) {
    String id = JobIds.derived(JobIds.FILE, verdict.occurredAt(), verdict.eventId());
    if (store.file(id).isEmpty()) {
      byte[] report = objects.read(verdict.modelBucket(), verdict.evaluationKey());
      files.result(
          id,
          verdict.occurredAt().getEpochSecond(),
          "evaluation-" + verdict.domain() + "-" + verdict.modelVersion() + ".json",
          report);
    }
    return id;
  }

  private JobRequest known(String id) {
    return store.request(id).orElseThrow(() -> notFound(id));
  }

  public static OpenAiError notFound(String id) {
    return new OpenAiError(
        404, "No fine-tuning job with id '" + id + "'", "fine_tuning_job_id", "job_not_found");
  }

  private FileObject fineTuneFile(String id, String param) {
    FileObject file =
        store
            .file(id)
            .orElseThrow(
                () ->
                    new OpenAiError(
                        400,
                        "'" + param + "': no file with id '" + id + "'",
                        param,
                        "invalid_file"));
    if (!FileObject.FINE_TUNE.equals(file.purpose())) {
      throw new OpenAiError(
          400,
          "'" + param + "': file " + id + " has purpose '" + file.purpose() + "', not fine-tune",
          param,
          "invalid_file");
    }
    return file;
  }

  private FineTuningRequested.File reference(FileObject file) {
    return new FineTuningRequested.File(
        file.id(), store.bucket(), FineTuningStore.contentKey(file.id(), file.filename()));
  }
}
