package dev.cft.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cft.datasets.Hashes;
import dev.cft.events.S3EventNotifications;
import dev.cft.events.Topics;
import dev.cft.events.documents.IngestLedgerEntry;
import dev.cft.events.documents.QuarantineReport;
import dev.cft.ingest.service.IngestService;
import dev.cft.runtime.store.ObjectStore;
import dev.cft.stack.test.LocalStackResource;
import dev.cft.stack.test.TestEvents;
import dev.cft.stack.test.TopicWatcher;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/**
 * The bad-input corpus ({@code src/test/resources/bad-input/cases.tsv}, plus cases made here that
 * are too big to keep in the repository) dropped into the real S3 server at once: each file ends as
 * its expected outcome with its precise reason, no original is lost, the service keeps running.
 */
@QuarkusTest
@WithTestResource(LocalStackResource.class)
class BadInputIT {
  static final Duration WAIT = Duration.ofMinutes(2);
  static final String CORPUS = "/bad-input/";
  static final String CHAT =
      "{\"messages\":[{\"role\":\"user\",\"content\":\"Where is my invoice?\"},"
          + "{\"role\":\"assistant\",\"content\":\"Under Billing.\"}]}\n";
  static final String OTHER =
      "{\"messages\":[{\"role\":\"user\",\"content\":\"Where is my receipt?\"},"
          + "{\"role\":\"assistant\",\"content\":\"Under Payments.\"}]}\n";

  @Inject ObjectStore store;

  /** One case: a file under a key, what must become of it, and the words that say why. */
  record Case(String name, String key, byte[] content, String outcome, Long line, String says) {}

  @Test
  void everyCaseEndsAsExpectedWithItsReasonAndNoOriginalIsLost() throws Exception {
    String run = UUID.randomUUID().toString().substring(0, 6);
    List<Case> cases = corpus(run);
    cases.addAll(made(run));
    assertTrue(cases.size() >= 25, "a corpus of at least 25 cases: " + cases.size());

    for (Case c : cases) {
      if (IngestService.safe(c.key())) {
        store.write("ingest", c.key(), c.content(), "application/octet-stream");
      } else {
        // The MinIO SDK refuses to write such a key; other S3 stores take it and notify.
        announce(c);
      }
    }
    Map<String, String> wrong = new LinkedHashMap<>();
    check(cases, wrong);
    // Only once the first file of its domain is a version can a file hold nothing but old data.
    Case duplicate =
        new Case(
            "a file of earlier data only",
            "made-" + run + "-dup/second.jsonl",
            OTHER.getBytes(StandardCharsets.UTF_8),
            "duplicate",
            null,
            "");
    store.write("ingest", duplicate.key(), duplicate.content(), "application/octet-stream");
    check(List.of(duplicate), wrong);
    assertTrue(wrong.isEmpty(), "cases that did not end as expected: " + wrong);
    HttpResponse<String> health =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(LocalStackResource.management("q/health/ready")).build(),
                HttpResponse.BodyHandlers.ofString());
    assertEquals(200, health.statusCode(), "the service is up and ready after the corpus");
  }

  /** An absolute key names no domain: its notification is unreadable and goes to the DLQ. */
  @Test
  void aKeyWithoutADomainGoesToTheDeadLetterTopicWithTheReason() throws Exception {
    String key = "/abs-" + UUID.randomUUID() + ".jsonl";
    try (TopicWatcher dlq = new TopicWatcher(Topics.dlq(Topics.INGEST_OBJECTS))) {
      announce(new Case("absolute key", key, CHAT.getBytes(StandardCharsets.UTF_8), "", null, ""));
      long until = System.nanoTime() + WAIT.toNanos();
      while (System.nanoTime() < until) {
        for (var record : dlq.drain(Duration.ofSeconds(1))) {
          if (new String(record.value(), StandardCharsets.UTF_8).contains(key.substring(1))) {
            String reason =
                new String(
                    record.headers().lastHeader("dead-letter-reason").value(),
                    StandardCharsets.UTF_8);
            assertTrue(reason.contains("has no domain segment"), reason);
            return;
          }
        }
      }
      throw new AssertionError("the notification of " + key + " did not reach the DLQ");
    }
  }

  private void check(List<Case> cases, Map<String, String> wrong) throws Exception {
    for (Case c : cases) {
      IngestLedgerEntry ledger = awaitLedger(c);
      String outcome = ledger.outcome().toLowerCase(java.util.Locale.ROOT);
      if (!outcome.equals(c.outcome())) {
        wrong.put(c.name(), "expected " + c.outcome() + ", was " + ledger);
        continue;
      }
      if (c.outcome().equals("rejected")) {
        String problem = reasonMismatch(c);
        if (problem != null) {
          wrong.put(c.name(), problem);
        }
      }
      if (IngestService.safe(c.key())
          && !java.util.Arrays.equals(c.content(), store.read("ingest", c.key()))) {
        wrong.put(c.name(), "the original in the ingest bucket changed");
      }
    }
  }

  /**
   * Null when the quarantine holds an unchanged copy (none for a key no client should address) and
   * an error with the expected words.
   */
  private String reasonMismatch(Case c) throws IOException {
    boolean safe = IngestService.safe(c.key());
    String errorsKey =
        safe ? c.key() + ".errors.json" : "_unsafe-keys/" + Hashes.sha256(c.key()) + ".errors.json";
    if (!store.exists("quarantine", errorsKey)) {
      return "no " + errorsKey + " in quarantine";
    }
    if (safe && !java.util.Arrays.equals(c.content(), store.read("quarantine", c.key()))) {
      return "the quarantined copy differs from the original";
    }
    QuarantineReport report =
        IngestFlowIT.document(store, "quarantine", errorsKey, QuarantineReport.class);
    for (QuarantineReport.Error error : report.errors()) {
      boolean lineMatches = java.util.Objects.equals(c.line(), error.line());
      String said = (error.field() != null ? error.field() + ": " : "") + error.message();
      if (lineMatches && said.contains(c.says())) {
        return null;
      }
    }
    return "no error at line " + c.line() + " saying '" + c.says() + "' in " + report;
  }

  private static void announce(Case c) throws Exception {
    TestEvents.publishText(
        Topics.INGEST_OBJECTS,
        c.key(),
        S3EventNotifications.scanned(
            "ingest", c.key(), c.content().length, "0123abcd", null, Instant.now()));
  }

  private IngestLedgerEntry awaitLedger(Case c) throws Exception {
    String domain = c.key().substring(0, c.key().indexOf('/'));
    long until = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < until) {
      for (ObjectStore.Entry entry : store.list("datasets", "_ingested/" + domain + "/")) {
        IngestLedgerEntry ledger =
            IngestFlowIT.document(store, "datasets", entry.key(), IngestLedgerEntry.class);
        if (c.key().equals(ledger.key())) {
          return ledger;
        }
      }
      Thread.sleep(250);
    }
    throw new AssertionError(c.name() + ": no outcome recorded within " + WAIT);
  }

  /** The files of cases.tsv, each in a domain of its own. */
  private static List<Case> corpus(String run) throws IOException {
    List<Case> cases = new ArrayList<>();
    String table = new String(resource("cases.tsv"), StandardCharsets.UTF_8);
    for (String row : table.split("\n")) {
      if (row.isBlank() || row.startsWith("#")) {
        continue;
      }
      String[] f = row.split("\t", -1);
      String domain = "bad-" + run + "-" + cases.size();
      cases.add(
          new Case(
              f[0],
              domain + "/" + f[0],
              resource(f[0]),
              f[1],
              f[2].isEmpty() ? null : Long.valueOf(f[2]),
              f[3]));
    }
    return cases;
  }

  /** Cases too big for the repository, or about keys rather than content. */
  private static List<Case> made(String run) throws IOException {
    String chat = CHAT;
    String other = OTHER;
    List<Case> cases = new ArrayList<>();
    String p = "made-" + run + "-";
    byte[] line =
        ("{\"text\":\"" + "a".repeat(50 << 20) + "\"}\n").getBytes(StandardCharsets.UTF_8);
    cases.add(
        new Case(
            "50 MB single line (gzipped)",
            p + "line/huge.jsonl.gz",
            gzip(line),
            "rejected",
            1L,
            "is 52428811 bytes long, over the line limit of 1048576"));
    cases.add(
        new Case(
            "gzip bomb",
            p + "bomb/bomb.jsonl.gz",
            gzip(new byte[100 << 20]),
            "rejected",
            null,
            "expands to more than 67108864 bytes: refused"));
    cases.add(
        new Case(
            "file over the size limit",
            p + "large/large.jsonl",
            chat.repeat((17 << 20) / chat.length()).getBytes(StandardCharsets.UTF_8),
            "rejected",
            null,
            "over the limit of 16777216 (CFT_INGEST_MAX_FILE_SIZE): not read"));
    cases.add(
        new Case(
            "key with ..",
            p + "dots/../escape.jsonl",
            chat.getBytes(StandardCharsets.UTF_8),
            "rejected",
            null,
            "has an empty, '.' or '..' segment"));
    cases.add(
        new Case(
            "key with spaces and unicode",
            p + "unicode/my file ü ☃ 日本.jsonl",
            chat.getBytes(StandardCharsets.UTF_8),
            "accepted",
            null,
            ""));
    cases.add(
        new Case(
            "a file of earlier data only (first)",
            p + "dup/first.jsonl",
            (chat + other).getBytes(StandardCharsets.UTF_8),
            "accepted",
            null,
            ""));
    return cases;
  }

  private static byte[] gzip(byte[] data) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(data);
    }
    return out.toByteArray();
  }

  private static byte[] resource(String name) throws IOException {
    try (InputStream in = BadInputIT.class.getResourceAsStream(CORPUS + name)) {
      if (in == null) {
        throw new IOException("no test resource " + CORPUS + name);
      }
      return in.readAllBytes();
    }
  }
}
