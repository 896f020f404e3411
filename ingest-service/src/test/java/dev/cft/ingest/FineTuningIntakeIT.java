package dev.cft.ingest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cft.datasets.DatasetBuilder;
import dev.cft.datasets.Hashes;
import dev.cft.events.DatasetReady;
import dev.cft.events.FineTuning;
import dev.cft.events.FineTuningRequested;
import dev.cft.events.IngestRejected;
import dev.cft.events.Topics;
import dev.cft.events.documents.DatasetManifest;
import dev.cft.events.documents.Documents;
import dev.cft.events.documents.IngestLedgerEntry;
import dev.cft.events.documents.QuarantineReport;
import dev.cft.ingest.service.GivenSplits;
import dev.cft.runtime.store.ObjectStore;
import dev.cft.stack.test.LocalStackResource;
import dev.cft.stack.test.SharedLocalStack;
import dev.cft.stack.test.TestEvents;
import dev.cft.stack.test.TopicWatcher;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Fine-tuning jobs created through the API, as deploy-service announces them on {@code
 * fine_tuning.requests} (its uploaded files in the store), through the real broker and S3 server: a
 * dataset version for the job, or the job's rejection with the file, line and field.
 */
@QuarkusTest
@WithTestResource(LocalStackResource.class)
class FineTuningIntakeIT {
  static final Duration WAIT = Duration.ofSeconds(60);

  /** Where deploy-service keeps uploaded files (the event names it; nothing here assumes it). */
  static final String FILES = "fine-tuning";

  static final String WIZARD_LINE =
      "{\"messages\":[{\"role\":\"user\",\"content\":\"Cast a spell\"},"
          + "{\"role\":\"wizard\",\"content\":\"Abracadabra.\"}]}\n";

  @Inject ObjectStore store;

  String domain;
  TopicWatcher ready;
  TopicWatcher rejected;

  @BeforeEach
  void setUp() throws Exception {
    domain = "ft-" + UUID.randomUUID().toString().substring(0, 8);
    ready = new TopicWatcher(Topics.DATASETS_READY);
    rejected = new TopicWatcher(Topics.INGEST_REJECTED);
    // A bucket of the embedded store is a directory (a stack of an older build may lack it).
    Files.createDirectories(SharedLocalStack.get().s3Root().resolve(FILES));
  }

  @AfterEach
  void tearDown() {
    ready.close();
    rejected.close();
  }

  /** An uploaded file, stored as deploy-service stores one. */
  static FineTuningRequested.File upload(ObjectStore store, String content) {
    String id = "file-" + UUID.randomUUID().toString().replace("-", "").substring(0, 24);
    String key = "files/" + id + "/upload.jsonl";
    store.write(FILES, key, content.getBytes(StandardCharsets.UTF_8), "application/x-ndjson");
    return new FineTuningRequested.File(id, FILES, key);
  }

  static FineTuningRequested request(
      String domain, FineTuningRequested.File training, FineTuningRequested.File validation) {
    String job = "ftjob-" + UUID.randomUUID().toString().replace("-", "").substring(0, 24);
    return new FineTuningRequested(
        UUID.randomUUID().toString(),
        job,
        domain,
        Instant.now(),
        training,
        validation,
        new FineTuning(job, domain, 3, 4, 2.0, 7L));
  }

  static void publish(FineTuningRequested request) throws Exception {
    TestEvents.publish(Topics.FINE_TUNING_REQUESTS, request.domain(), request);
  }

  DatasetManifest manifest(String key) {
    return IngestFlowIT.document(store, "datasets", key, DatasetManifest.class);
  }

  /** The record that carried {@code eventId}, for its key. */
  static ConsumerRecord<String, byte[]> recordOf(TopicWatcher watcher, String eventId) {
    return watcher.drain(Duration.ZERO).stream()
        .filter(r -> new String(r.value(), StandardCharsets.UTF_8).contains(eventId))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void aValidTrainingFileBecomesAVersionAnnouncedForTheJob() throws Exception {
    String content = IngestFlowIT.chats(0, 30);
    FineTuningRequested request = request(domain, upload(store, content), null);
    publish(request);

    DatasetReady v1 = ready.await(DatasetReady.class, e -> e.domain().equals(domain), WAIT);
    assertEquals(request.correlationId(), v1.correlationId(), "the job id is the correlation id");
    assertEquals(request.fineTuning(), v1.fineTuning());
    assertEquals(1, v1.datasetVersion());
    assertNull(v1.parentVersion());
    assertEquals(30, v1.trainExamples() + v1.valExamples());
    assertTrue(v1.valExamples() > 0 && v1.trainExamples() > 0, "split by the hash rule");
    assertEquals(List.of(FILES + "/" + request.training().key()), v1.sourceKeys());
    assertEquals(domain, recordOf(ready, v1.eventId()).key(), "keyed by domain");

    assertEquals(v1.trainExamples(), store.readString("datasets", v1.trainKey()).lines().count());
    assertEquals(v1.valExamples(), store.readString("datasets", v1.valKey()).lines().count());
    assertEquals(30, store.readString("datasets", v1.prefix() + "index.tsv").lines().count());
    DatasetManifest manifest = manifest(v1.manifestKey());
    assertEquals(
        new DatasetManifest.FineTuningJob(request.correlationId(), request.training().id(), null),
        manifest.fineTuningJob());
    DatasetManifest.Source source = manifest.sources().get(0);
    assertEquals("training", source.role());
    assertEquals(request.training().id(), source.fileId());
    assertEquals(request.training().key(), source.key());
    assertEquals(Hashes.sha256(content.getBytes(StandardCharsets.UTF_8)), source.sha256());
    assertEquals(DatasetBuilder.SPLIT_RULE, manifest.split().rule());
    assertEquals(30, manifest.counts().read());
  }

  @Test
  void aValidationFileIsTheValSplitExactly() throws Exception {
    String training = IngestFlowIT.chats(0, 20);
    String validation = IngestFlowIT.chats(100, 106);
    FineTuningRequested request =
        request(domain, upload(store, training), upload(store, validation));
    publish(request);

    DatasetReady v1 = ready.await(DatasetReady.class, e -> e.domain().equals(domain), WAIT);
    assertEquals(request.correlationId(), v1.correlationId());
    assertEquals(20, v1.trainExamples());
    assertEquals(6, v1.valExamples());
    assertEquals(validation, store.readString("datasets", v1.valKey()));
    assertEquals(training, store.readString("datasets", v1.trainKey()));
    assertEquals(
        List.of(FILES + "/" + request.training().key(), FILES + "/" + request.validation().key()),
        v1.sourceKeys());
    DatasetManifest manifest = manifest(v1.manifestKey());
    assertEquals(GivenSplits.RULE, manifest.split().rule());
    assertNull(manifest.split().valFraction(), "no hash rule, no fraction");
    assertEquals(request.validation().id(), manifest.fineTuningJob().validationFile());
    assertEquals("validation", manifest.sources().get(1).role());
  }

  @Test
  void aBadLineRejectsTheJobNamingFileLineAndFieldAndQuarantinesTheOriginal() throws Exception {
    String content = IngestFlowIT.chats(0, 1) + WIZARD_LINE + IngestFlowIT.chats(1, 5);
    FineTuningRequested request = request(domain, upload(store, content), null);
    publish(request);

    IngestRejected event =
        rejected.await(IngestRejected.class, e -> e.domain().equals(domain), WAIT);
    assertEquals(request.correlationId(), event.correlationId());
    assertEquals(FILES, event.sourceBucket());
    assertEquals(request.training().key(), event.sourceKey());
    assertEquals(1, event.errorCount());
    IngestRejected.LineError error = event.errors().get(0);
    assertEquals(2L, error.line());
    assertEquals("messages[1].role", error.field());
    assertTrue(
        error.message().startsWith("training file " + request.training().id() + ": "),
        error.message());
    assertTrue(error.message().contains("\"wizard\""), error.message());
    assertEquals(domain, recordOf(rejected, event.eventId()).key());

    String quarantined = domain + "/" + request.correlationId() + "/" + request.training().id();
    assertEquals("quarantine", event.quarantineBucket());
    assertEquals(quarantined, event.quarantineKey());
    assertEquals(quarantined + ".errors.json", event.errorsKey());
    assertArrayEquals(
        content.getBytes(StandardCharsets.UTF_8), store.read("quarantine", quarantined));
    QuarantineReport report =
        IngestFlowIT.document(store, "quarantine", event.errorsKey(), QuarantineReport.class);
    assertEquals(2L, report.errors().get(0).line());
    assertEquals(request.correlationId(), report.fineTuningJob());
    assertTrue(store.exists(FILES, request.training().key()), "the upload stays");
    awaitLedger(request);
    assertTrue(store.list("datasets", domain + "/").isEmpty(), "no dataset version");
  }

  @Test
  void aBadValidationFileIsNamedAsSuch() throws Exception {
    String validation = IngestFlowIT.chats(50, 52) + "{\"messages\": [\n";
    FineTuningRequested request =
        request(domain, upload(store, IngestFlowIT.chats(0, 10)), upload(store, validation));
    publish(request);

    IngestRejected event =
        rejected.await(IngestRejected.class, e -> e.domain().equals(domain), WAIT);
    assertEquals(request.validation().key(), event.sourceKey());
    assertEquals(3L, event.errors().get(0).line());
    assertTrue(
        event
            .errors()
            .get(0)
            .message()
            .startsWith("validation file " + request.validation().id() + ": "),
        event.errors().get(0).message());
    String quarantined = domain + "/" + request.correlationId() + "/" + request.validation().id();
    assertArrayEquals(
        validation.getBytes(StandardCharsets.UTF_8), store.read("quarantine", quarantined));
    assertFalse(
        store.exists(
            "quarantine", domain + "/" + request.correlationId() + "/" + request.training().id()),
        "the valid training file is not quarantined");
  }

  @Test
  void theSameTrainingFileForASecondJobIsRejectedAsNothingNew() throws Exception {
    FineTuningRequested first = request(domain, upload(store, IngestFlowIT.chats(0, 12)), null);
    publish(first);
    ready.await(DatasetReady.class, e -> e.domain().equals(domain), WAIT);

    FineTuningRequested second = request(domain, first.training(), null);
    publish(second);
    IngestRejected event =
        rejected.await(IngestRejected.class, e -> e.domain().equals(domain), WAIT);
    assertEquals(second.correlationId(), event.correlationId());
    assertEquals(1, event.errorCount());
    assertEquals(
        new IngestRejected.LineError(
            null,
            null,
            "all 12 examples of "
                + first.training().id()
                + " are already in "
                + domain
                + " v1: nothing new to train on"),
        event.errors().get(0));
    assertTrue(store.exists("quarantine", event.errorsKey()));
    awaitLedger(second);
    assertFalse(store.exists("datasets", domain + "/v2/manifest.json"));
  }

  @Test
  void theSameRequestDeliveredTwiceMakesOneVersionAnnouncedTheSameWay() throws Exception {
    FineTuningRequested request = request(domain, upload(store, IngestFlowIT.chats(0, 15)), null);
    publish(request);
    publish(request);

    awaitLedger(request);
    long until = System.nanoTime() + WAIT.toNanos();
    List<DatasetReady> sent = List.of();
    while (sent.size() < 2 && System.nanoTime() < until) {
      sent = ready.all(DatasetReady.class, e -> e.domain().equals(domain), Duration.ofSeconds(1));
    }
    assertEquals(2, sent.size(), "one answer per delivery: " + sent);
    assertEquals(sent.get(0), sent.get(1), "the same event, id and all");
    assertEquals(1, sent.get(0).datasetVersion());
    assertFalse(store.exists("datasets", domain + "/v2/manifest.json"));
    IngestLedgerEntry ledger = awaitLedger(request);
    assertEquals("ACCEPTED", ledger.outcome());
    assertEquals(sent.get(0).eventId(), ledger.ready().eventId());
  }

  @Test
  void aDomainThatIsNoNameIsRefusedWithoutReadingTheFile() throws Exception {
    String bad = "-" + domain;
    FineTuningRequested request = request(bad, upload(store, IngestFlowIT.chats(0, 3)), null);
    publish(request);

    IngestRejected event = rejected.await(IngestRejected.class, e -> e.domain().equals(bad), WAIT);
    assertEquals(request.correlationId(), event.correlationId());
    assertNull(event.errors().get(0).line());
    assertTrue(
        event.errors().get(0).message().startsWith("domain '" + bad + "' must match"),
        event.errors().get(0).message());
  }

  @Test
  void anUnreadableRequestGoesToTheDeadLetterTopicAndTheNextIsHandled() throws Exception {
    try (TopicWatcher dlq = new TopicWatcher(Topics.dlq(Topics.FINE_TUNING_REQUESTS))) {
      String poison = "{\"eventId\":\"" + domain + "\",\"domain\":\"" + domain + "\"}";
      TestEvents.publishText(Topics.FINE_TUNING_REQUESTS, domain, poison);
      FineTuningRequested request = request(domain, upload(store, IngestFlowIT.chats(0, 4)), null);
      publish(request);

      DatasetReady v1 = ready.await(DatasetReady.class, e -> e.domain().equals(domain), WAIT);
      assertEquals(request.correlationId(), v1.correlationId());
      long until = System.nanoTime() + WAIT.toNanos();
      while (System.nanoTime() < until) {
        for (var record : dlq.drain(Duration.ofSeconds(1))) {
          if (new String(record.value(), StandardCharsets.UTF_8).equals(poison)) {
            String reason =
                new String(
                    record.headers().lastHeader("dead-letter-reason").value(),
                    StandardCharsets.UTF_8);
            assertTrue(reason.contains("FineTuningRequested"), reason);
            return;
          }
        }
      }
      throw new AssertionError("the unreadable request did not reach the DLQ");
    }
  }

  /** The job's ledger entry, once its outcome is recorded. */
  IngestLedgerEntry awaitLedger(FineTuningRequested request) throws Exception {
    return awaitLedger(store, request);
  }

  static IngestLedgerEntry awaitLedger(ObjectStore store, FineTuningRequested request)
      throws Exception {
    String key = "_ingested/" + request.domain() + "/" + request.correlationId() + ".json";
    long until = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < until) {
      var entry = store.readIfExists("datasets", key);
      if (entry.isPresent()) {
        return Documents.read(entry.get(), IngestLedgerEntry.class, key);
      }
      Thread.sleep(200);
    }
    throw new AssertionError("no ledger entry " + key + " within " + WAIT);
  }
}
