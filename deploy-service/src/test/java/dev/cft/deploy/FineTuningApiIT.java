package dev.cft.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.HttpResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.NotFoundException;
import com.openai.errors.UnauthorizedException;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.files.FileCreateParams;
import com.openai.models.files.FileObject;
import com.openai.models.files.FilePurpose;
import com.openai.models.finetuning.jobs.FineTuningJob;
import com.openai.models.finetuning.jobs.FineTuningJobEvent;
import com.openai.models.finetuning.jobs.JobCreateParams;
import com.openai.models.finetuning.jobs.JobListParams;
import com.openai.models.finetuning.jobs.checkpoints.FineTuningJobCheckpoint;
import dev.cft.deploy.registry.ModelRegistry;
import dev.cft.events.Buckets;
import dev.cft.events.CandidateReady;
import dev.cft.events.DatasetReady;
import dev.cft.events.EvaluationCompleted;
import dev.cft.events.EventIds;
import dev.cft.events.FineTuningRequested;
import dev.cft.events.IngestRejected;
import dev.cft.events.ModelKeys;
import dev.cft.events.Topics;
import dev.cft.events.TrainingCancelRequested;
import dev.cft.events.TrainingJobEvent;
import dev.cft.events.TrainingJobEvent.State;
import dev.cft.events.TrainingProgress;
import dev.cft.lm.TestModels;
import dev.cft.runtime.store.ObjectStore;
import dev.cft.stack.test.LocalStackResource;
import dev.cft.stack.test.TestEvents;
import dev.cft.stack.test.TopicWatcher;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fine-tuning API through the official OpenAI Java client, with deploy-service alone on the
 * real broker and store: the other stages' events are published here as they would send them (the
 * whole flow with every service is {@code FineTuningApiFlowIT} in the launcher).
 */
@QuarkusTest
@WithTestResource(LocalStackResource.class)
class FineTuningApiIT {
  static final Duration WAIT = Duration.ofSeconds(60);
  static final String KEY = "test-admin-key";

  static final String CHECKPOINT_FILE = "trainer-state.json";

  @Inject ObjectStore store;
  @Inject ModelRegistry registry;
  @TempDir Path tmp;

  @TestHTTPResource("/")
  URL base;

  OpenAIClient client(String key) {
    return OpenAIOkHttpClient.builder().baseUrl(base + "v1").apiKey(key).maxRetries(0).build();
  }

  static String domain() {
    return "ft-" + UUID.randomUUID().toString().substring(0, 8);
  }

  static String chats(int n) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < n; i++) {
      out.append("{\"messages\":[{\"role\":\"user\",\"content\":\"Ticket ")
          .append(i)
          .append(": help\"},{\"role\":\"assistant\",\"content\":\"")
          .append(i % 2 == 0 ? "billing" : "login")
          .append("\"}]}\n");
    }
    return out.toString();
  }

  FileObject upload(OpenAIClient client, String name, String content) throws Exception {
    Path file = Files.createDirectories(tmp.resolve(UUID.randomUUID().toString())).resolve(name);
    Files.writeString(file, content);
    return client
        .files()
        .create(FileCreateParams.builder().file(file).purpose(FilePurpose.FINE_TUNE).build());
  }

  /** A small model registered as {@code version} of {@code domain}; production if asked. */
  void register(String domain, String version, boolean production) throws Exception {
    Path dir = tmp.resolve(domain + "-" + version);
    TestModels.saveTrained(dir, 5);
    String prefix = ModelKeys.version(domain, version);
    store.uploadDirectory(dir, "models", prefix);
    RegistryDocuments.write(store, domain, version, false, "val loss worse");
    if (production) {
      registry.promote(domain, version, "test", "corr-" + domain, null);
    }
  }

  FineTuningJob create(OpenAIClient client, String model, String fileId, String suffix) {
    JobCreateParams.Builder params =
        JobCreateParams.builder().model(model).trainingFile(fileId).seed(5L);
    if (suffix != null) {
      params.suffix(suffix);
    }
    return client.fineTuning().jobs().create(params.build());
  }

  FineTuningJob await(OpenAIClient client, String id, Predicate<FineTuningJob> done)
      throws Exception {
    long until = System.nanoTime() + WAIT.toNanos();
    FineTuningJob job = client.fineTuning().jobs().retrieve(id);
    while (!done.test(job)) {
      if (System.nanoTime() > until) {
        throw new AssertionError("job never got there: " + job);
      }
      Thread.sleep(200);
      job = client.fineTuning().jobs().retrieve(id);
    }
    return job;
  }

  static TrainingJobEvent training(
      FineTuningJob job, String domain, String trainingJob, State state, Long step, String key) {
    return new TrainingJobEvent(
        EventIds.random(),
        job.id(),
        domain,
        Instant.now(),
        trainingJob,
        state,
        2,
        "base",
        "worker-1",
        step,
        key,
        state + " here");
  }

  @Test
  void filesAreValidatedOnUploadKeptListedAndDeleted() throws Exception {
    OpenAIClient client = client(KEY);
    FileObject good = upload(client, "tickets.jsonl", chats(4));
    assertEquals(FileObject.Status.PROCESSED, good.status());
    assertEquals("tickets.jsonl", good.filename());
    assertEquals(chats(4).getBytes(StandardCharsets.UTF_8).length, good.bytes());
    FileObject bad =
        upload(
            client,
            "broken.jsonl",
            chats(1) + "{\"messages\":[{\"role\":\"wizard\",\"content\":\"hi\"}]}\n");
    assertEquals(FileObject.Status.ERROR, bad.status());
    String details = bad.statusDetails().orElseThrow();
    assertTrue(details.contains("line 2"), details);
    assertTrue(details.contains("role"), details);
    com.fasterxml.jackson.databind.JsonNode errors =
        bad._additionalProperties()
            .get("errors")
            .convert(com.fasterxml.jackson.databind.JsonNode.class);
    assertEquals(2, errors.get(0).path("line").asInt(), "line-level errors beside OpenAI's fields");

    assertEquals(good, client.files().retrieve(good.id()));
    try (HttpResponse content = client.files().content(good.id())) {
      assertEquals(chats(4), new String(content.body().readAllBytes(), StandardCharsets.UTF_8));
    }
    List<String> listed = client.files().list().data().stream().map(FileObject::id).toList();
    assertTrue(listed.indexOf(bad.id()) < listed.indexOf(good.id()), "newest first: " + listed);

    assertTrue(client.files().delete(bad.id()).deleted());
    assertThrows(NotFoundException.class, () -> client.files().retrieve(bad.id()));
    assertThrows(
        UnauthorizedException.class,
        () -> client("not-a-key").files().retrieve(good.id()),
        "files need a key");
    Path again = Files.createDirectories(tmp.resolve("again")).resolve("tickets.jsonl");
    Files.writeString(again, chats(4));
    int before = client.files().list().data().size();
    UnauthorizedException refused =
        assertThrows(
            UnauthorizedException.class,
            () ->
                client("not-a-key")
                    .files()
                    .create(
                        FileCreateParams.builder()
                            .file(again)
                            .purpose(FilePurpose.FINE_TUNE)
                            .build()),
            "an upload without a known key is refused before its body is read");
    assertEquals("invalid_api_key", refused.code().orElseThrow());
    assertTrue(
        refused.getMessage().contains("Uploading files needs an API key"),
        "refused by UploadGate, before the body: " + refused.getMessage());
    assertEquals(before, client.files().list().data().size(), "nothing was kept");
    assertThrows(BadRequestException.class, () -> create(client, "x", "file-none", "x"));
  }

  @Test
  void aJobGoesThroughThePipelineToSucceededAndItsModelAnswersByName() throws Exception {
    OpenAIClient client = client(KEY);
    String domain = domain();
    register(domain, "v1", true);
    FileObject file = upload(client, "tickets.jsonl", chats(6));
    FineTuningJob job;
    FineTuningRequested request;
    try (TopicWatcher requests = new TopicWatcher(Topics.FINE_TUNING_REQUESTS)) {
      job =
          client
              .fineTuning()
              .jobs()
              .create(
                  JobCreateParams.builder()
                      .model(domain)
                      .trainingFile(file.id())
                      .seed(5L)
                      .hyperparameters(
                          JobCreateParams.Hyperparameters.builder()
                              .nEpochs(2L)
                              .learningRateMultiplier(0.5)
                              .build())
                      .build());
      String id = job.id();
      request = requests.await(FineTuningRequested.class, r -> r.correlationId().equals(id), WAIT);
    }
    assertEquals(FineTuningJob.Status.VALIDATING_FILES, job.status());
    assertEquals(5L, job.seed());
    assertEquals(domain, job.model());
    assertEquals(domain + ":v1", request.fineTuning().model(), "production, fixed at creation");
    assertEquals(2, request.fineTuning().epochs());
    assertEquals(0.5, request.fineTuning().learningRateMultiplier());
    assertEquals(domain, request.domain());
    assertEquals(chats(6), store.readString(request.training().bucket(), request.training().key()));

    String trainingJob = "train-" + domain;
    TestEvents.publish(
        Topics.DATASETS_READY,
        domain,
        new DatasetReady(
            EventIds.random(),
            job.id(),
            domain,
            Instant.now(),
            2,
            "datasets",
            domain + "/v2/",
            domain + "/v2/manifest.json",
            5,
            1,
            300,
            "0".repeat(64),
            List.of(request.training().key()),
            1,
            request.fineTuning()));
    TestEvents.publish(
        Topics.TRAINING_JOBS, domain, training(job, domain, trainingJob, State.QUEUED, null, null));
    TestEvents.publish(
        Topics.TRAINING_JOBS,
        domain,
        training(job, domain, trainingJob, State.RUNNING, null, null));
    await(client, job.id(), j -> FineTuningJob.Status.RUNNING.equals(j.status()));
    TestEvents.publish(
        Topics.TRAINING_PROGRESS,
        domain,
        new TrainingProgress(
            EventIds.random(),
            job.id(),
            domain,
            Instant.now(),
            trainingJob,
            4,
            8,
            0,
            0.9,
            1.1,
            50,
            1e-4));
    // The files train-service uploads before it announces a checkpoint.
    for (String step : List.of("/step-4/", "/step-8/")) {
      store.writeString(
          Buckets.CHECKPOINTS, trainingJob + step + CHECKPOINT_FILE, "{}", "application/json");
    }
    TestEvents.publish(
        Topics.TRAINING_JOBS,
        domain,
        training(job, domain, trainingJob, State.HEARTBEAT, 4L, trainingJob + "/step-4/"));
    TestEvents.publish(
        Topics.TRAINING_JOBS,
        domain,
        training(job, domain, trainingJob, State.SUCCEEDED, 8L, trainingJob + "/step-8/"));
    register(domain, "v2", false);
    candidate(job, domain, trainingJob);
    TestEvents.publish(
        Topics.EVALUATIONS_COMPLETED,
        domain,
        new EvaluationCompleted(
            EventIds.random(),
            job.id(),
            domain,
            Instant.now(),
            "v2",
            "v1",
            false,
            List.of("val loss worse"),
            Map.of("val.loss", 1.2),
            Map.of("val.loss", 1.0),
            "models",
            ModelKeys.version(domain, "v2"),
            ModelKeys.version(domain, "v2") + ModelKeys.EVALUATION,
            null));

    FineTuningJob done =
        await(client, job.id(), j -> FineTuningJob.Status.SUCCEEDED.equals(j.status()));
    assertEquals(domain + ":v2", done.fineTunedModel().orElseThrow());
    assertTrue(done.finishedAt().isPresent());
    assertEquals(1, done.resultFiles().size());
    try (HttpResponse verdict = client.files().content(done.resultFiles().get(0))) {
      String report = new String(verdict.body().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(report.contains("val loss worse"), report);
    }

    List<FineTuningJobEvent> events = new ArrayList<>();
    client.fineTuning().jobs().listEvents(job.id()).autoPager().forEach(events::add);
    List<String> messages = events.stream().map(FineTuningJobEvent::message).toList();
    assertTrue(messages.get(0).startsWith("Evaluated: did not pass the gate"), messages.toString());
    assertTrue(
        messages.get(messages.size() - 1).startsWith("Created fine-tuning job"),
        messages.toString());
    assertTrue(
        messages.contains("Step 4/8: training loss=0.9000, validation loss=1.1000"),
        messages.toString());
    assertTrue(
        events.stream()
            .anyMatch(
                e -> e.type().map(t -> FineTuningJobEvent.Type.METRICS.equals(t)).orElse(false)));

    List<FineTuningJobCheckpoint> checkpoints =
        client.fineTuning().jobs().checkpoints().list(job.id()).data();
    assertEquals(
        List.of(8L, 4L), checkpoints.stream().map(FineTuningJobCheckpoint::stepNumber).toList());
    assertEquals(0.9, checkpoints.get(1).metrics().trainLoss().orElseThrow());
    // Retention deleted step 4's files: the listing no longer names it.
    store.delete(Buckets.CHECKPOINTS, trainingJob + "/step-4/" + CHECKPOINT_FILE);
    assertEquals(
        List.of(8L),
        client.fineTuning().jobs().checkpoints().list(job.id()).data().stream()
            .map(FineTuningJobCheckpoint::stepNumber)
            .toList());

    // Rejected by the gate, production stays v1, and the version answers by its name.
    assertEquals("v1", registry.production(domain).orElseThrow());
    String answer =
        client
            .chat()
            .completions()
            .create(
                ChatCompletionCreateParams.builder()
                    .model(done.fineTunedModel().orElseThrow())
                    .addUserMessage("Ticket 1: help")
                    .maxCompletionTokens(4)
                    .temperature(0.0)
                    .build())
            .choices()
            .get(0)
            .message()
            .content()
            .orElse(null);
    assertNotNull(answer);
    long until = System.nanoTime() + WAIT.toNanos();
    List<String> models = client.models().list().data().stream().map(m -> m.id()).toList();
    while (!models.contains(domain + ":v2")) {
      assertTrue(System.nanoTime() < until, "never listed: " + models);
      Thread.sleep(200);
      models = client.models().list().data().stream().map(m -> m.id()).toList();
    }
    assertTrue(models.contains(domain), models.toString());
    assertThrows(
        NotFoundException.class,
        () ->
            client
                .completions()
                .create(
                    com.openai.models.completions.CompletionCreateParams.builder()
                        .model(domain + ":v9")
                        .prompt("hi")
                        .maxTokens(2)
                        .build()));
  }

  @Test
  void listingPagesNewestFirst() throws Exception {
    OpenAIClient client = client(KEY);
    String domain = domain();
    register(domain, "v1", true);
    FileObject file = upload(client, "tickets.jsonl", chats(2));
    List<String> created = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      created.add(0, create(client, domain, file.id(), null).id());
    }
    var page = client.fineTuning().jobs().list(JobListParams.builder().limit(2L).build());
    assertEquals(created.subList(0, 2), page.data().stream().map(FineTuningJob::id).toList());
    assertTrue(page.hasNextPage());
    List<String> all = new ArrayList<>();
    page.autoPager().forEach(j -> all.add(j.id()));
    assertEquals(created, all.subList(0, 3), "newest first, across pages");
    assertEquals(all.size(), all.stream().distinct().count(), "no job twice: " + all);
  }

  @Test
  void cancellingStopsTheTrainingJobAndTellsItAgainWhileItLives() throws Exception {
    OpenAIClient client = client(KEY);
    String domain = domain();
    register(domain, "v1", true);
    FineTuningJob job = create(client, domain, upload(client, "t.jsonl", chats(2)).id(), null);
    String trainingJob = "train-" + domain;
    TestEvents.publish(
        Topics.TRAINING_JOBS,
        domain,
        training(job, domain, trainingJob, State.RUNNING, null, null));
    await(client, job.id(), j -> FineTuningJob.Status.RUNNING.equals(j.status()));
    try (TopicWatcher cancels = new TopicWatcher(Topics.TRAINING_CANCELLATIONS)) {
      FineTuningJob cancelled = client.fineTuning().jobs().cancel(job.id());
      assertEquals(FineTuningJob.Status.CANCELLED, cancelled.status());
      TrainingCancelRequested first =
          cancels.await(TrainingCancelRequested.class, c -> c.jobId().equals(trainingJob), WAIT);
      assertEquals(job.id(), first.correlationId());
      TestEvents.publish(
          Topics.TRAINING_JOBS,
          domain,
          training(job, domain, trainingJob, State.HEARTBEAT, 2L, null));
      cancels.await(
          TrainingCancelRequested.class,
          c -> c.jobId().equals(trainingJob) && !c.eventId().equals(first.eventId()),
          WAIT);
    }
    TestEvents.publish(
        Topics.TRAINING_JOBS,
        domain,
        training(job, domain, trainingJob, State.CANCELLED, 2L, null));
    awaitMessage(client, job.id(), "Training stopped: CANCELLED here");
    assertEquals(
        FineTuningJob.Status.CANCELLED, client.fineTuning().jobs().retrieve(job.id()).status());
    assertThrows(BadRequestException.class, () -> client.fineTuning().jobs().cancel(job.id()));
  }

  @Test
  void aModelMadeAfterItsJobWasCancelledIsJudgedButNeverPromoted() throws Exception {
    OpenAIClient client = client(KEY);
    String domain = domain();
    register(domain, "v1", true);
    FineTuningJob job = create(client, domain, upload(client, "t.jsonl", chats(2)).id(), null);
    client.fineTuning().jobs().cancel(job.id());
    // Its training had already passed its last check: a candidate and a passing verdict follow.
    register(domain, "v2", false);
    candidate(job, domain, "train-" + domain);
    TestEvents.publish(Topics.EVALUATIONS_COMPLETED, domain, verdict(job.id(), domain, "v2", true));
    awaitMessage(
        client, job.id(), "Evaluated: passed the gate against production v1: val loss better");
    // A later verdict of the same domain promotes: the cancelled job's was read before it.
    register(domain, "v3", false);
    TestEvents.publish(
        Topics.EVALUATIONS_COMPLETED, domain, verdict("corr-" + domain, domain, "v3", true));
    long until = System.nanoTime() + WAIT.toNanos();
    while (!"v3".equals(registry.production(domain).orElse(null))) {
      assertTrue(System.nanoTime() < until, "v3 never promoted");
      Thread.sleep(200);
    }
    assertTrue(
        registry.history(domain).stream().noneMatch(h -> h.version().equals("v2")),
        "the cancelled job's model never was production: " + registry.history(domain));
    FineTuningJob after = client.fineTuning().jobs().retrieve(job.id());
    assertEquals(FineTuningJob.Status.CANCELLED, after.status(), "a verdict does not revive it");
  }

  /** Train's announcement of {@code v2}, made by {@code trainingJob} for {@code job}. */
  static void candidate(FineTuningJob job, String domain, String trainingJob) throws Exception {
    TestEvents.publish(
        Topics.CANDIDATES_READY,
        domain,
        new CandidateReady(
            EventIds.random(),
            job.id(),
            domain,
            Instant.now(),
            trainingJob,
            "v2",
            "models",
            ModelKeys.version(domain, "v2"),
            2,
            "v1"));
  }

  static EvaluationCompleted verdict(
      String correlation, String domain, String version, boolean passed) {
    return new EvaluationCompleted(
        EventIds.random(),
        correlation,
        domain,
        Instant.now(),
        version,
        "v1",
        passed,
        List.of(passed ? "val loss better" : "val loss worse"),
        Map.of("val.loss", 1.0),
        Map.of("val.loss", 1.1),
        "models",
        ModelKeys.version(domain, version),
        ModelKeys.version(domain, version) + ModelKeys.EVALUATION,
        null);
  }

  void awaitMessage(OpenAIClient client, String id, String message) throws Exception {
    long until = System.nanoTime() + WAIT.toNanos();
    while (true) {
      List<String> messages = new ArrayList<>();
      client.fineTuning().jobs().listEvents(id).autoPager().forEach(e -> messages.add(e.message()));
      if (messages.contains(message)) {
        return;
      }
      assertTrue(System.nanoTime() < until, "never said '" + message + "': " + messages);
      Thread.sleep(200);
    }
  }

  @Test
  void aJobOnAnInvalidFileFailsWithTheFilesErrors() throws Exception {
    OpenAIClient client = client(KEY);
    String domain = domain();
    FileObject bad =
        upload(client, "bad.jsonl", "{\"messages\":[{\"role\":\"wizard\",\"content\":\"hi\"}]}\n");
    FineTuningJob job = create(client, "tiny", bad.id(), domain);
    TestEvents.publish(
        Topics.INGEST_REJECTED,
        domain,
        new IngestRejected(
            EventIds.random(),
            job.id(),
            domain,
            Instant.now(),
            "fine-tuning",
            "file-content/" + bad.id() + "/bad.jsonl",
            "quarantine",
            domain + "/bad.jsonl",
            domain + "/bad.jsonl.errors.json",
            1,
            List.of(
                new IngestRejected.LineError(
                    1L, "messages[0].role", "role 'wizard' is not allowed"))));
    FineTuningJob failed =
        await(client, job.id(), j -> FineTuningJob.Status.FAILED.equals(j.status()));
    FineTuningJob.Error error = failed.error().orElseThrow();
    assertEquals("invalid_training_file", error.code());
    assertTrue(error.message().contains("line 1, messages[0].role"), error.message());
    assertEquals("training_file", error.param().orElseThrow());
  }

  @Test
  void theApiIsDescribedAsOpenApi() throws Exception {
    java.net.http.HttpResponse<String> description =
        java.net.http.HttpClient.newHttpClient()
            .send(
                java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(base + "q/openapi?format=json"))
                    .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
    assertEquals(200, description.statusCode());
    com.fasterxml.jackson.databind.JsonNode api =
        new com.fasterxml.jackson.databind.ObjectMapper().readTree(description.body());
    for (String path :
        List.of(
            "/v1/files",
            "/v1/fine_tuning/jobs",
            "/v1/fine_tuning/jobs/{id}/cancel",
            "/v1/chat/completions",
            "/models/{domain}")) {
      assertTrue(api.path("paths").has(path), path + " in " + api.path("paths").fieldNames());
    }
    assertEquals(
        "bearer",
        api.path("components").path("securitySchemes").path("bearer").path("scheme").asText());
  }

  @Test
  void unknownIdsAre404sAndTheApiNeedsAKey() {
    OpenAIClient client = client(KEY);
    NotFoundException missing =
        assertThrows(
            NotFoundException.class, () -> client.fineTuning().jobs().retrieve("ftjob-none"));
    assertEquals("job_not_found", missing.code().orElseThrow());
    assertThrows(
        NotFoundException.class, () -> client.fineTuning().jobs().listEvents("ftjob-none"));
    assertThrows(NotFoundException.class, () -> client.fineTuning().jobs().cancel("ftjob-none"));
    assertThrows(NotFoundException.class, () -> client.files().retrieve("file-none"));
    assertThrows(
        UnauthorizedException.class,
        () -> client("wrong-key").fineTuning().jobs().list(),
        "an unknown key");
    assertFalse(
        client.fineTuning().jobs().list().data().stream()
            .anyMatch(j -> j.id().equals("ftjob-none")));
  }
}
