package dev.cft.stack.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
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
import dev.cft.lm.TestModels;
import io.minio.MinioClient;
import io.minio.UploadObjectArgs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * OpenAI's fine-tuning API against the whole running pipeline ({@code ./pipeline up}), through the
 * official Java client only: upload, create, cancel mid-run (the worker then takes the next job),
 * follow a job's events to {@code succeeded}, chat with its {@code fine_tuned_model}, a job on an
 * invalid file fails with the file's errors, lists page, unknown ids are 404s, no key is a 401.
 */
class FineTuningApiFlowIT {
  private static final Duration WAIT = Duration.ofMinutes(5);
  private static final String DOMAIN = "api-tickets";
  private static final String BASE = "api-test-base";

  @RegisterExtension final LocalPipeline pipeline = new LocalPipeline("api-it");

  @Test
  void theOpenAiClientFineTunesCancelsAndChatsWithTheModelItMade() throws Exception {
    assertEquals(0, pipeline.up().exitCode());
    int deployPort = pipeline.port("deploy");
    StackSettings settings = pipeline.settings();
    try (MinioClient s3 = settings.s3Client()) {
      publishBase(s3);
    }
    OpenAIClient client =
        OpenAIOkHttpClient.builder()
            .baseUrl("http://127.0.0.1:" + deployPort + "/v1")
            .apiKey(settings.adminKey())
            .maxRetries(0)
            .build();

    // A long job, cancelled once it trains: it ends, and the same worker takes the next job.
    FineTuningJob longJob = create(client, upload(client, "first.jsonl", 0, 40), 2000);
    await(
        client,
        longJob.id(),
        j -> messages(client, j.id()).stream().anyMatch(m -> m.startsWith("Step ")));
    assertEquals(
        FineTuningJob.Status.CANCELLED, client.fineTuning().jobs().cancel(longJob.id()).status());
    await(
        client,
        longJob.id(),
        j -> messages(client, j.id()).stream().anyMatch(m -> m.startsWith("Training stopped")));
    FineTuningJob cancelled = client.fineTuning().jobs().retrieve(longJob.id());
    assertEquals(FineTuningJob.Status.CANCELLED, cancelled.status());
    assertTrue(cancelled.fineTunedModel().isEmpty(), "a cancelled job makes no model");

    FineTuningJob job = create(client, upload(client, "second.jsonl", 40, 80), 2);
    FineTuningJob done = await(client, job.id(), j -> isEnded(j.status()));
    assertEquals(FineTuningJob.Status.SUCCEEDED, done.status(), String.valueOf(done.error()));
    String model = done.fineTunedModel().orElseThrow();
    assertTrue(model.startsWith(DOMAIN + ":v"), model);
    assertEquals(1, done.resultFiles().size(), "the verdict");
    List<String> messages = messages(client, job.id());
    assertTrue(messages.stream().anyMatch(m -> m.startsWith("Evaluated: ")), messages.toString());
    assertTrue(messages.stream().anyMatch(m -> m.startsWith("Files validated: dataset " + DOMAIN)));
    assertTrue(
        messages.stream().anyMatch(m -> m.startsWith("New fine-tuned model created: " + model)));
    String answer =
        client
            .chat()
            .completions()
            .create(
                ChatCompletionCreateParams.builder()
                    .model(model)
                    .addUserMessage("Ticket 45: help")
                    .maxCompletionTokens(8)
                    .temperature(0.0)
                    .build())
            .choices()
            .get(0)
            .message()
            .content()
            .orElse("");
    assertFalse(answer.isBlank(), "the fine-tuned model answers by its name");

    // A file with a bad line: ingest's rules fail the job, naming line and field.
    FileObject broken =
        uploadText(
            client,
            "broken.jsonl",
            DemoData.chats(80, 82, 0)
                + "{\"messages\":[{\"role\":\"wizard\",\"content\":\"hi\"}]}\n");
    assertEquals(FileObject.Status.ERROR, broken.status());
    FineTuningJob failed = await(client, create(client, broken, 2).id(), j -> isEnded(j.status()));
    assertEquals(FineTuningJob.Status.FAILED, failed.status());
    FineTuningJob.Error error = failed.error().orElseThrow();
    assertEquals("invalid_training_file", error.code());
    assertTrue(error.message().contains("line 3"), error.message());

    List<String> all = new ArrayList<>();
    client
        .fineTuning()
        .jobs()
        .list(JobListParams.builder().limit(1L).build())
        .autoPager()
        .forEach(j -> all.add(j.id()));
    assertEquals(List.of(failed.id(), job.id(), longJob.id()), all, "newest first, one a page");
    assertThrows(NotFoundException.class, () -> client.fineTuning().jobs().retrieve("ftjob-none"));
    String url = "http://127.0.0.1:" + deployPort + "/v1";
    assertThrows(
        UnauthorizedException.class,
        () ->
            OpenAIOkHttpClient.builder()
                .baseUrl(url)
                .apiKey("not-a-key")
                .maxRetries(0)
                .build()
                .fineTuning()
                .jobs()
                .list());
  }

  private static boolean isEnded(FineTuningJob.Status status) {
    return Stream.of(
            FineTuningJob.Status.SUCCEEDED,
            FineTuningJob.Status.FAILED,
            FineTuningJob.Status.CANCELLED)
        .anyMatch(s -> s.equals(status));
  }

  /** A small trained GPT as {@code models/base/<BASE>/}: jobs fine-tune it in seconds. */
  private void publishBase(MinioClient s3) throws Exception {
    Path dir = pipeline.state().resolve("base");
    TestModels.saveTrained(dir, 20);
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file : files.toList()) {
        s3.uploadObject(
            UploadObjectArgs.builder()
                .bucket("models")
                .object("base/" + BASE + "/" + file.getFileName())
                .filename(file.toString())
                .build());
      }
    }
  }

  private FileObject upload(OpenAIClient client, String name, int from, int to) throws Exception {
    FileObject file = uploadText(client, name, DemoData.chats(from, to, 0));
    assertEquals(FileObject.Status.PROCESSED, file.status());
    return file;
  }

  private FileObject uploadText(OpenAIClient client, String name, String content) throws Exception {
    Path file = Files.createDirectories(pipeline.state().resolve("uploads")).resolve(name);
    Files.writeString(file, content);
    return client
        .files()
        .create(FileCreateParams.builder().file(file).purpose(FilePurpose.FINE_TUNE).build());
  }

  private static FineTuningJob create(OpenAIClient client, FileObject file, long epochs) {
    return client
        .fineTuning()
        .jobs()
        .create(
            JobCreateParams.builder()
                .model(BASE)
                .suffix(DOMAIN)
                .trainingFile(file.id())
                .seed(11L)
                .hyperparameters(JobCreateParams.Hyperparameters.builder().nEpochs(epochs).build())
                .build());
  }

  /** The job's event messages, newest first. */
  private static List<String> messages(OpenAIClient client, String id) {
    List<String> messages = new ArrayList<>();
    client.fineTuning().jobs().listEvents(id).autoPager().stream()
        .map(FineTuningJobEvent::message)
        .forEach(messages::add);
    return messages;
  }

  private static FineTuningJob await(OpenAIClient client, String id, Predicate<FineTuningJob> done)
      throws Exception {
    long until = System.nanoTime() + WAIT.toNanos();
    while (true) {
      FineTuningJob job = client.fineTuning().jobs().retrieve(id);
      if (done.test(job)) {
        return job;
      }
      if (System.nanoTime() > until) {
        throw new AssertionError(
            "job " + id + " did not get there: " + job + "\n" + messages(client, id));
      }
      Thread.sleep(500);
    }
  }
}
