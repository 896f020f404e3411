package dev.cft.eval.service;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cft.events.CandidateReady;
import dev.cft.events.EvaluationCompleted;
import dev.cft.events.documents.Documents;
import dev.cft.events.documents.EvaluationReport;
import dev.cft.lm.eval.Metrics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code evaluation.json} as the evaluator writes it, and the event made from it. */
class EvaluationsTest {
  /** The contract's goldens, taken from real stores (pipeline-events' test resources). */
  private static final Path GOLDENS = Path.of("../pipeline-events/src/test/resources/documents");

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Gate DEFAULT =
      new Gate(0.01, 0.02, 0.0, null, null, dev.cft.events.Promotion.AUTO);

  private static CandidateReady candidate(String version, String correlationId) {
    return new CandidateReady(
        "e1",
        correlationId,
        "support",
        Instant.parse("2026-12-03T07:15:00Z"),
        "job-1",
        version,
        "models",
        "support/versions/" + version + "/",
        2,
        "v1");
  }

  private static byte[] golden(String name) throws IOException {
    return Files.readAllBytes(GOLDENS.resolve(name));
  }

  /** The report of a candidate judged by the default gate, each set as big as its examples. */
  private static EvaluationReport judged(
      CandidateReady candidate,
      String production,
      Instant at,
      Map<String, Metrics> candidateMetrics,
      Map<String, Metrics> productionMetrics) {
    Map<String, Integer> sizes = new LinkedHashMap<>();
    candidateMetrics.forEach((set, m) -> sizes.put(set, m.examples()));
    return Evaluations.report(
        candidate,
        production,
        at,
        DEFAULT,
        DEFAULT.judge(candidateMetrics, productionMetrics),
        sizes,
        candidateMetrics,
        productionMetrics);
  }

  private static void assertWrittenAs(String golden, EvaluationReport report) throws IOException {
    assertEquals(
        new String(golden(golden), UTF_8).strip(),
        new String(Documents.write(report), UTF_8).strip());
  }

  @Test
  void writesTheReportOfARealRunAsItWasStored() throws IOException {
    Map<String, Metrics> candidate = new LinkedHashMap<>();
    candidate.put("val", new Metrics(0.0560344409942627, 1.057634109079628, 0.98, 0.0, 200, 4));
    candidate.put(
        "retention",
        new Metrics(0.03231025877453032, 1.0328379026214647, 0.9841269841269841, 0.25, 189, 4));
    Map<String, Metrics> production = new LinkedHashMap<>();
    production.put("val", new Metrics(0.20561059951782226, 1.2282748200527127, 0.94, 0.0, 200, 4));
    production.put(
        "retention", new Metrics(0.021391777765183223, 1.0216222221145042, 1.0, 1.0, 189, 4));

    assertWrittenAs(
        "EvaluationReport-against-production.json",
        judged(
            candidate("v2", "88888e50-2961-303d-bcc1-01645acf4bac"),
            "v1",
            Instant.parse("2026-12-03T07:15:01.212457273Z"),
            candidate,
            production));
  }

  @Test
  void writesNullForTheProductionOfAFirstModel() throws IOException {
    Map<String, Metrics> candidate =
        Map.of("val", new Metrics(0.021391777765183223, 1.0216222221145042, 1.0, 1.0, 189, 4));
    assertWrittenAs(
        "EvaluationReport-first-model.json",
        judged(
            candidate("v1", "de8919d8-c996-3305-ad35-8f6d3f5837e2"),
            null,
            Instant.parse("2026-12-03T07:14:10.138917235Z"),
            candidate,
            null));
  }

  @Test
  void aRedeliveryMakesItsEventFromTheStoredReport() throws IOException {
    EvaluationReport stored =
        Documents.read(
            golden("EvaluationReport-against-production.json"), EvaluationReport.class, "golden");
    EvaluationCompleted event =
        Evaluations.event(candidate("v2", stored.correlationId()), stored, "k/evaluation.json");

    assertFalse(event.passed());
    assertEquals("v1", event.productionVersion());
    assertEquals(stored.reasons(), event.reasons());
    assertEquals(0.0560344409942627, event.candidateMetrics().get("val.loss"));
    assertEquals(0.9841269841269841, event.candidateMetrics().get("retention.token_accuracy"));
    assertEquals(0.25, event.candidateMetrics().get("retention.exact_match"));
    assertEquals(189.0, event.candidateMetrics().get("retention.tokens"));
    assertEquals(4.0, event.candidateMetrics().get("val.examples"));
    assertEquals(12, event.candidateMetrics().size(), event.candidateMetrics().toString());
    assertEquals(1.2282748200527127, event.productionMetrics().get("val.perplexity"));

    EvaluationReport first =
        Documents.read(golden("EvaluationReport-first-model.json"), EvaluationReport.class, "g");
    EvaluationCompleted firstEvent =
        Evaluations.event(candidate("v1", first.correlationId()), first, "k/evaluation.json");
    assertNull(firstEvent.productionVersion());
    assertNull(firstEvent.productionMetrics());
    assertTrue(firstEvent.passed());
  }

  @Test
  void aDivergedModelsFiguresAreKeptInTheReportButLeftOutOfTheEvent() throws IOException {
    Map<String, Metrics> candidate =
        Map.of("val", new Metrics(Double.NaN, Double.POSITIVE_INFINITY, 0.1, null, 50, 2));
    byte[] written =
        Documents.write(judged(candidate("v1", "c1"), null, Instant.now(), candidate, null));
    JsonNode val = JSON.readTree(written).path("candidate").path("val");
    assertEquals("NaN", val.path("loss").asText());
    assertFalse(val.has("exact_match"), "no example generated");

    EvaluationReport reread = Documents.read(written, EvaluationReport.class, "written");
    Map<String, Double> flat =
        Evaluations.event(candidate("v1", "c1"), reread, "k").candidateMetrics();
    assertEquals(Map.of("val.token_accuracy", 0.1, "val.tokens", 50.0, "val.examples", 2.0), flat);
  }
}
