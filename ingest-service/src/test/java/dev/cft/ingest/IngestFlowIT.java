package dev.cft.ingest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cft.events.DatasetReady;
import dev.cft.events.IngestRejected;
import dev.cft.events.Topics;
import dev.cft.events.documents.DatasetManifest;
import dev.cft.events.documents.Documents;
import dev.cft.events.documents.QuarantineReport;
import dev.cft.runtime.store.ObjectStore;
import dev.cft.stack.test.LocalStackResource;
import dev.cft.stack.test.TopicWatcher;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Files dropped into the real S3 server's ingest bucket, found by the reconciliation scan (the
 * embedded store sends no notifications), through the real broker to dataset versions.
 */
@QuarkusTest
@WithTestResource(LocalStackResource.class)
class IngestFlowIT {
  static final Duration WAIT = Duration.ofSeconds(30);

  @Inject ObjectStore store;

  String domain;
  TopicWatcher ready;
  TopicWatcher rejected;

  @BeforeEach
  void setUp() {
    domain = "it-" + UUID.randomUUID().toString().substring(0, 8);
    ready = new TopicWatcher(Topics.DATASETS_READY);
    rejected = new TopicWatcher(Topics.INGEST_REJECTED);
  }

  @AfterEach
  void tearDown() {
    ready.close();
    rejected.close();
  }

  static String chats(int from, int to) {
    return IntStream.range(from, to)
            .mapToObj(
                i ->
                    "{\"messages\":[{\"role\":\"user\",\"content\":\"How do I reset password "
                        + i
                        + "?\"},{\"role\":\"assistant\",\"content\":\"Open settings, step "
                        + i
                        + ".\"}]}")
            .collect(Collectors.joining("\n"))
        + "\n";
  }

  void drop(String name, String content) {
    store.write(
        "ingest",
        domain + "/" + name,
        content.getBytes(StandardCharsets.UTF_8),
        "application/x-ndjson");
  }

  /** A document ingest keeps in the store, read as the services read it. */
  static <T> T document(ObjectStore store, String bucket, String key, Class<T> type) {
    return Documents.read(store.read(bucket, key), type, bucket + "/" + key);
  }

  DatasetManifest manifest(String key) {
    return document(store, "datasets", key, DatasetManifest.class);
  }

  @Test
  void aGoodFileBecomesAnImmutableVersionAndTheSameContentAgainMakesNone() throws Exception {
    drop("first.jsonl", chats(0, 40) + chats(0, 2)); // two exact duplicates inside the file

    DatasetReady v1 = ready.await(DatasetReady.class, e -> e.domain().equals(domain), WAIT);
    assertEquals(1, v1.datasetVersion());
    assertEquals(40, v1.trainExamples() + v1.valExamples());
    assertTrue(v1.valExamples() > 0, "some examples held out");
    assertNull(v1.parentVersion());
    assertEquals(List.of("ingest/" + domain + "/first.jsonl"), v1.sourceKeys());
    DatasetManifest manifest = manifest(v1.manifestKey());
    assertEquals(2, manifest.counts().duplicatesInFile());
    assertEquals(0, manifest.split().inputsInBothSplits());
    assertEquals(v1.correlationId(), manifest.correlationId());
    String train = store.readString("datasets", v1.trainKey());
    assertEquals(v1.trainExamples(), train.lines().count());
    assertTrue(train.startsWith("{\"messages\":[{\"role\":\"user\""), train);

    // The same bytes under another name, then a file with old and new examples.
    drop("copy.jsonl", chats(0, 40) + chats(0, 2));
    drop("more.jsonl", chats(30, 50));

    DatasetReady v2 =
        ready.await(
            DatasetReady.class, e -> e.domain().equals(domain) && e.datasetVersion() == 2, WAIT);
    assertEquals(10, v2.trainExamples() + v2.valExamples(), "only examples v1 lacks");
    assertEquals(1, v2.parentVersion());
    assertEquals(10, manifest(v2.manifestKey()).counts().duplicatesOfEarlierVersions());
    awaitLedger(3);
    List<Integer> versions =
        ready.drain(Duration.ofSeconds(2)).stream()
            .map(r -> dev.cft.events.EventJson.fromBytes(r.value(), DatasetReady.class))
            .filter(e -> e.domain().equals(domain))
            .map(DatasetReady::datasetVersion)
            .distinct()
            .toList();
    assertEquals(List.of(1, 2), versions, "the copy made no version of its own");
    assertFalse(store.exists("datasets", domain + "/v3/manifest.json"));
  }

  @Test
  void aBadFileIsQuarantinedWithLineAndFieldAndMakesNoVersion() throws Exception {
    String content =
        chats(0, 1)
            + "{\"messages\":[{\"role\":\"robot\",\"content\":\"hi\"},{\"role\":\"assistant\",\"content\":\"x\"}]}\n"
            + chats(1, 2)
            + "{\"messages\":[{\"role\":\"user\",\"content\":\"no answer\"}]}\n";
    drop("bad.jsonl", content);

    IngestRejected event =
        rejected.await(IngestRejected.class, e -> e.domain().equals(domain), WAIT);
    assertEquals(2, event.errorCount());
    assertEquals(
        new IngestRejected.LineError(2L, "messages[0].role", event.errors().get(0).message()),
        event.errors().get(0));
    assertTrue(event.errors().get(0).message().contains("\"robot\""));
    assertEquals(4L, event.errors().get(1).line());
    assertEquals("quarantine", event.quarantineBucket());
    assertArrayEquals(
        content.getBytes(StandardCharsets.UTF_8),
        store.read("quarantine", event.quarantineKey()),
        "the original, unchanged");
    QuarantineReport report =
        document(store, "quarantine", event.errorsKey(), QuarantineReport.class);
    assertEquals(2, report.errors().size());
    assertEquals(4L, report.errors().get(1).line());
    assertEquals("messages", report.errors().get(1).field());
    assertTrue(
        store.exists("ingest", domain + "/bad.jsonl"), "the original stays where it was dropped");
    awaitLedger(1);
    assertTrue(store.list("datasets", domain + "/").isEmpty(), "no dataset version");
  }

  @Test
  void csvAndGzipAndTextFilesOfADomain() throws Exception {
    java.io.ByteArrayOutputStream gz = new java.io.ByteArrayOutputStream();
    try (java.util.zip.GZIPOutputStream out = new java.util.zip.GZIPOutputStream(gz)) {
      StringBuilder csv = new StringBuilder("text,label\n");
      for (int i = 0; i < 30; i++) {
        csv.append("\"ticket ")
            .append(i)
            .append(", urgent\",")
            .append(i % 2 == 0 ? "billing" : "login")
            .append('\n');
      }
      out.write(csv.toString().getBytes(StandardCharsets.UTF_8));
    }
    store.write("ingest", domain + "/tickets.csv.gz", gz.toByteArray(), "application/gzip");
    DatasetReady v1 = ready.await(DatasetReady.class, e -> e.domain().equals(domain), WAIT);
    assertEquals(30, v1.trainExamples() + v1.valExamples());
    String line = store.readString("datasets", v1.trainKey()).lines().findFirst().orElseThrow();
    assertTrue(
        line.matches(
            "\\{\"prompt\":\"ticket \\d+, urgent\\\\n\",\"completion\":\"(billing|login)\"}"),
        line);
  }

  /**
   * Files dropped while the broker is down: the scan cannot announce them, tries again, and once
   * the broker is back each becomes one version, in the order of their keys; none twice.
   */
  @Test
  void filesDroppedWhileTheBrokerIsDownBecomeOneVersionEachWhenItIsBack() throws Exception {
    dev.cft.stack.test.SharedLocalStack.get().stopKafka();
    try {
      drop("a.jsonl", chats(0, 10));
      drop("b.jsonl", chats(10, 20));
      drop("c.jsonl", chats(20, 30));
      Thread.sleep(4000); // scans run meanwhile and cannot publish
    } finally {
      dev.cft.stack.test.SharedLocalStack.get().startKafka();
    }
    awaitLedger(3);
    Thread.sleep(3000); // anything sent twice would show up now
    List<String> manifests =
        store.list("datasets", domain + "/").stream()
            .map(e -> e.key())
            .filter(k -> k.endsWith("/manifest.json"))
            .toList();
    assertEquals(
        List.of(
            domain + "/v1/manifest.json",
            domain + "/v2/manifest.json",
            domain + "/v3/manifest.json"),
        manifests);
    assertSourcesInOrder(domain, 3, v -> "abc".charAt(v - 1) + ".jsonl");
  }

  /**
   * Ten files into one domain in a burst and another domain at the same time: every file becomes a
   * version, each domain's versions in the order of its files' keys.
   */
  @Test
  void aBurstIntoOneDomainAndAnotherDomainAtOnceAreAllIngestedInOrderPerDomain() throws Exception {
    String other = domain + "-b";
    for (int i = 0; i < 10; i++) {
      drop(String.format("burst-%02d.jsonl", i), chats(i * 5, i * 5 + 5));
      if (i < 3) {
        store.write(
            "ingest",
            other + "/f" + i + ".jsonl",
            chats(200 + i * 5, 205 + i * 5).getBytes(StandardCharsets.UTF_8),
            "application/x-ndjson");
      }
    }
    awaitLedger(domain, 10);
    awaitLedger(other, 3);
    assertSourcesInOrder(domain, 10, v -> String.format("burst-%02d.jsonl", v - 1));
    assertSourcesInOrder(other, 3, v -> "f" + (v - 1) + ".jsonl");
  }

  private void assertSourcesInOrder(
      String d, int versions, java.util.function.IntFunction<String> file) throws Exception {
    for (int v = 1; v <= versions; v++) {
      assertEquals(
          d + "/" + file.apply(v),
          manifest(d + "/v" + v + "/manifest.json").sources().get(0).key(),
          d + " v" + v);
    }
    assertTrue(!store.exists("datasets", d + "/v" + (versions + 1) + "/manifest.json"));
  }

  void awaitLedger(int entries) throws InterruptedException {
    awaitLedger(domain, entries);
  }

  void awaitLedger(String d, int entries) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (store.list("datasets", "_ingested/" + d + "/").size() < entries) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("ledger of " + d + " never reached " + entries + " entries");
      }
      Thread.sleep(200);
    }
  }
}
