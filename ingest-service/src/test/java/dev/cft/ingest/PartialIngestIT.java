package dev.cft.ingest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cft.events.DatasetReady;
import dev.cft.events.FineTuningRequested;
import dev.cft.events.IngestRejected;
import dev.cft.events.Topics;
import dev.cft.events.documents.DatasetManifest;
import dev.cft.events.documents.QuarantineReport;
import dev.cft.runtime.store.ObjectStore;
import dev.cft.stack.test.LocalStackResource;
import dev.cft.stack.test.SharedLocalStack;
import dev.cft.stack.test.TopicWatcher;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * With {@code reject-file-on-errors=false}: the good examples of a file with a few bad lines are
 * ingested and the bad ones reported beside a quarantined copy; and a file copied straight into the
 * embedded store's directory (no upload, so no notification) is found by the scan.
 */
@QuarkusTest
@TestProfile(PartialIngestIT.KeepGoodLines.class)
@WithTestResource(LocalStackResource.class)
class PartialIngestIT {
  public static class KeepGoodLines implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      // A group of its own for API jobs: a member of the previous application may still hold the
      // partitions of fine_tuning.requests for a session time-out after the broker restarts.
      return Map.of(
          "cft.ingest.reject-file-on-errors", "false",
          "mp.messaging.incoming.fine-tuning-requests.group.id", "ingest-service-partial");
    }
  }

  static final Duration WAIT = Duration.ofSeconds(60);

  @Inject ObjectStore store;

  @Test
  void goodLinesAreIngestedAndBadOnesReportedBesideAQuarantinedCopy() throws Exception {
    String domain = "partial-" + UUID.randomUUID().toString().substring(0, 8);
    String content =
        IngestFlowIT.chats(0, 5)
            + "{\"messages\":[{\"role\":\"user\",\"content\":\"no answer\"}]}\n"
            + IngestFlowIT.chats(5, 12)
            + "not json\n";
    byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
    try (TopicWatcher ready = new TopicWatcher(Topics.DATASETS_READY);
        TopicWatcher rejected = new TopicWatcher(Topics.INGEST_REJECTED)) {
      store.write("ingest", domain + "/mixed.jsonl", bytes, "application/x-ndjson");

      DatasetReady v1 = ready.await(DatasetReady.class, e -> e.domain().equals(domain), WAIT);
      assertEquals(12, v1.trainExamples() + v1.valExamples());
      DatasetManifest manifest =
          IngestFlowIT.document(store, "datasets", v1.manifestKey(), DatasetManifest.class);
      assertEquals(2, manifest.counts().rejected());
      QuarantineReport report =
          IngestFlowIT.document(
              store, "quarantine", domain + "/mixed.jsonl.errors.json", QuarantineReport.class);
      assertEquals(6L, report.errors().get(0).line());
      assertEquals(14L, report.errors().get(1).line());
      assertArrayEquals(bytes, store.read("quarantine", domain + "/mixed.jsonl"));
      assertTrue(
          rejected
              .all(IngestRejected.class, e -> e.domain().equals(domain), Duration.ofSeconds(2))
              .isEmpty(),
          "the file was not rejected");
    }
  }

  /** OpenAI fails a job whose file has errors: so does ingest, whatever the setting says. */
  @Test
  void anApiJobsFileWithABadLineIsRejectedAsAWhole() throws Exception {
    String domain = "partial-ft-" + UUID.randomUUID().toString().substring(0, 8);
    Files.createDirectories(SharedLocalStack.get().s3Root().resolve(FineTuningIntakeIT.FILES));
    String content =
        IngestFlowIT.chats(0, 5) + FineTuningIntakeIT.WIZARD_LINE + IngestFlowIT.chats(5, 12);
    FineTuningRequested request =
        FineTuningIntakeIT.request(domain, FineTuningIntakeIT.upload(store, content), null);
    try (TopicWatcher rejected = new TopicWatcher(Topics.INGEST_REJECTED)) {
      FineTuningIntakeIT.publish(request);
      IngestRejected event =
          rejected.await(IngestRejected.class, e -> e.domain().equals(domain), WAIT);
      assertEquals(request.correlationId(), event.correlationId());
      assertEquals(6L, event.errors().get(0).line());
      assertEquals("REJECTED", FineTuningIntakeIT.awaitLedger(store, request).outcome());
      assertTrue(store.list("datasets", domain + "/").isEmpty(), "no dataset version");
    }
  }

  @Test
  void aFileCopiedStraightIntoTheStoreDirectoryIsFoundByTheScan() throws Exception {
    String domain = "copied-" + UUID.randomUUID().toString().substring(0, 8);
    Path dir = SharedLocalStack.get().s3Root().resolve("ingest").resolve(domain);
    Files.createDirectories(dir);
    try (TopicWatcher ready = new TopicWatcher(Topics.DATASETS_READY)) {
      Files.writeString(dir.resolve("copied.jsonl"), IngestFlowIT.chats(0, 9));
      DatasetReady v1 = ready.await(DatasetReady.class, e -> e.domain().equals(domain), WAIT);
      assertEquals(9, v1.trainExamples() + v1.valExamples());
    }
  }

  /**
   * A copy that takes longer than a few scans (1 s apart here) is not taken half-written: one
   * version, with every example, once the file has stopped changing.
   */
  @Test
  void aFileStillBeingCopiedInIsTakenOnlyWhole() throws Exception {
    String domain = "copying-" + UUID.randomUUID().toString().substring(0, 8);
    Path dir = SharedLocalStack.get().s3Root().resolve("ingest").resolve(domain);
    Files.createDirectories(dir);
    byte[] content = IngestFlowIT.chats(0, 20).getBytes(StandardCharsets.UTF_8);
    int cut = content.length / 2; // mid-line
    try (TopicWatcher ready = new TopicWatcher(Topics.DATASETS_READY);
        TopicWatcher rejected = new TopicWatcher(Topics.INGEST_REJECTED)) {
      try (var out = Files.newOutputStream(dir.resolve("slow.jsonl"))) {
        out.write(content, 0, cut);
        out.flush();
        Thread.sleep(3_000);
        out.write(content, cut, content.length - cut);
      }
      DatasetReady v1 = ready.await(DatasetReady.class, e -> e.domain().equals(domain), WAIT);
      assertEquals(20, v1.trainExamples() + v1.valExamples());
      assertEquals(1, v1.datasetVersion());
      assertEquals(
          1,
          ready
              .all(DatasetReady.class, e -> e.domain().equals(domain), Duration.ofSeconds(3))
              .size(),
          "one version");
      assertEquals(
          List.of(),
          rejected.all(IngestRejected.class, e -> e.domain().equals(domain), Duration.ZERO),
          "no rejection");
    }
  }
}
