package dev.cft.ingest.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cft.datasets.DatasetBuilder;
import dev.cft.datasets.Format;
import dev.cft.datasets.Issue;
import dev.cft.events.documents.DatasetManifest;
import dev.cft.events.documents.Documents;
import dev.cft.events.documents.IngestLedgerEntry;
import dev.cft.ingest.metrics.IngestMetrics;
import dev.cft.ingest.service.JobFiles.Checked;
import dev.cft.ingest.service.JobFiles.Role;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The documents ingest writes have the shape of the goldens taken from real stores (the contract in
 * pipeline-events): the same fields in the same order, the same ones null, the same ones absent.
 */
class StoredDocumentsTest {
  /** The contract's goldens, read where pipeline-events keeps them (one copy in the repository). */
  static final Path GOLDENS = Path.of("..", "pipeline-events", "src", "test", "resources");

  static final ObjectMapper JSON = Documents.mapper();

  static JsonNode golden(String name) throws Exception {
    return JSON.readTree(Files.readAllBytes(GOLDENS.resolve("documents").resolve(name)));
  }

  static <T> T golden(String name, Class<T> type) throws Exception {
    return Documents.read(
        Files.readAllBytes(GOLDENS.resolve("documents").resolve(name)), type, name);
  }

  /** Every field's path and node type, in document order ({@code []} for any array element). */
  static List<String> shape(JsonNode node) {
    Set<String> out = new LinkedHashSet<>();
    shape("", node, out);
    return new ArrayList<>(out);
  }

  private static void shape(String path, JsonNode node, Set<String> out) {
    out.add(path + ":" + node.getNodeType());
    if (node.isArray()) {
      node.forEach(e -> shape(path + "[]", e, out));
    }
    for (Map.Entry<String, JsonNode> field : node.properties()) {
      shape(path + "." + field.getKey(), field.getValue(), out);
    }
  }

  static void assertShape(String golden, Object written) throws Exception {
    assertEquals(shape(golden(golden)), shape(JSON.readTree(Documents.write(written))), golden);
  }

  static DatasetBuilder.Built built() throws Exception {
    Checked file =
        FineTuningIntakeTest.checked(Role.TRAINING, FineTuningIntakeTest.completions(40));
    return DatasetBuilder.build(file.samples(), DatasetBuilder.Earlier.none(), 0.1);
  }

  @Test
  void aDroppedFilesManifest() throws Exception {
    DatasetManifest.Source source =
        new DatasetManifest.Source(
            null, null, "ev-1", "ingest", "support/tickets.jsonl", 11970, "27b5", "a6b2");
    VersionMaker.Origin origin =
        new VersionMaker.Origin("ev-1", null, List.of(source), Format.JSONL, "chat", 40, 0);
    DatasetManifest manifest =
        VersionMaker.manifest(
            new VersionMaker.Base("support", new TreeSet<>(), DatasetBuilder.Earlier.none()),
            1,
            origin,
            built(),
            DatasetBuilder.SPLIT_RULE,
            0.1);
    assertEquals(1, manifest.version());
    assertNull(manifest.parentVersion());
    assertEquals(List.of("ingest/support/tickets.jsonl"), VersionMaker.sourceKeys(manifest));
    assertShape("DatasetManifest-dropped-file.json", manifest);
  }

  @Test
  void anApiJobsManifest() throws Exception {
    Checked training =
        FineTuningIntakeTest.checked(Role.TRAINING, FineTuningIntakeTest.completions(40));
    VersionMaker.Origin origin =
        new VersionMaker.Origin(
            "ftjob-1",
            new DatasetManifest.FineTuningJob("ftjob-1", training.file().id(), null),
            List.of(training.source()),
            Format.JSONL,
            "chat",
            40,
            0);
    DatasetManifest manifest =
        VersionMaker.manifest(
            new VersionMaker.Base("api", new TreeSet<>(List.of(1)), DatasetBuilder.Earlier.none()),
            2,
            origin,
            built(),
            DatasetBuilder.SPLIT_RULE,
            0.1);
    assertEquals(2, manifest.version());
    assertEquals(1, manifest.parentVersion());
    assertShape("DatasetManifest-api-job.json", manifest);
  }

  @Test
  void quarantineReports() throws Exception {
    assertShape(
        "QuarantineReport-dropped-file.json",
        Quarantine.ofObject(
            "ingest/partial/mixed.jsonl",
            "ev-1",
            List.of(new Issue(6L, "messages", "no answer"), new Issue(14L, null, "not JSON")),
            2));
    assertShape(
        "QuarantineReport-api-job.json",
        Quarantine.ofJobFile(
            "fine-tuning/files/file-1/upload.jsonl",
            "ftjob-1",
            "file-1",
            Role.VALIDATION.label(),
            List.of(new Issue(3L, null, "not JSON")),
            1));
  }

  @Test
  void ledgerEntriesKeepTheEventOfAnApiJobOnly() throws Exception {
    IngestLedgerEntry accepted = golden("IngestLedgerEntry-api-job.json", IngestLedgerEntry.class);
    assertShape(
        "IngestLedgerEntry-api-job.json",
        OutcomeLedger.entry(
            accepted.key(), "ftjob-1", Outcome.accepted(accepted.ready(), "v1 for ftjob-1"), true));
    IngestLedgerEntry rejected =
        golden("IngestLedgerEntry-rejected-api-job.json", IngestLedgerEntry.class);
    Outcome refusal =
        Outcome.rejected(rejected.rejected(), "1 problems", IngestMetrics.Reason.INVALID_RECORDS);
    assertShape(
        "IngestLedgerEntry-rejected-api-job.json",
        OutcomeLedger.entry(rejected.key(), "ftjob-1", refusal, true));
    assertShape(
        "IngestLedgerEntry-rejected-file.json",
        OutcomeLedger.entry("support/broken.jsonl", "ev-1", refusal, false));
  }
}
