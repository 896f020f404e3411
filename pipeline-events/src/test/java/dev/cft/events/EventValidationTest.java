package dev.cft.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Rules of the compact constructors beyond presence, which the golden tests cover. */
class EventValidationTest {

  private static final Instant AT = Instant.parse("2025-03-01T10:15:30Z");

  private static DatasetReady dataset(String prefix, long trainExamples, List<String> sources) {
    return new DatasetReady(
        "e-1",
        "c-1",
        "legal",
        AT,
        3,
        "datasets",
        prefix,
        prefix + "manifest.json",
        trainExamples,
        20,
        5000,
        "abc123",
        sources,
        null,
        null);
  }

  private static IngestRejected rejected(long errorCount, List<IngestRejected.LineError> errors) {
    return new IngestRejected(
        "e-1",
        "c-1",
        "legal",
        AT,
        "ingest",
        "legal/x.jsonl",
        "quarantine",
        "legal/x.jsonl",
        "legal/x.jsonl.errors.json",
        errorCount,
        errors);
  }

  private static EvaluationCompleted evaluation(Map<String, Double> candidateMetrics) {
    return new EvaluationCompleted(
        "e-1",
        "c-1",
        "legal",
        AT,
        "v7",
        null,
        false,
        List.of("no production yet"),
        candidateMetrics,
        null,
        "models",
        "legal/versions/v7/",
        "legal/versions/v7/evaluation.json",
        null);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " ", "\t\n"})
  void blankTextCountsAsMissing(String blank) {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new CandidateReady(
                    "e-1",
                    "c-1",
                    "legal",
                    AT,
                    blank,
                    "v7",
                    "models",
                    "legal/versions/v7/",
                    3,
                    null));

    assertEquals("CandidateReady.jobId is required", e.getMessage());
  }

  @Test
  void negativeCountsAreRejected() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> dataset("legal/v3/", -1, List.of()));

    assertEquals("DatasetReady.trainExamples must not be negative, was -1", e.getMessage());
  }

  @Test
  void listsAreCopiedAndImmutable() {
    List<String> sources = new ArrayList<>(List.of("legal/a.jsonl"));
    DatasetReady event = dataset("legal/v3/", 10, sources);

    sources.add("legal/b.jsonl");

    assertEquals(List.of("legal/a.jsonl"), event.sourceKeys());
    assertThrows(UnsupportedOperationException.class, () -> event.sourceKeys().add("x"));
  }

  @Test
  void nullListElementIsRejectedNamingTheField() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> dataset("legal/v3/", 10, Arrays.asList("legal/a.jsonl", null)));

    assertEquals("DatasetReady.sourceKeys must not contain null", e.getMessage());
  }

  @Test
  void rejectionKeepsOnlyTheFirstErrors() {
    List<IngestRejected.LineError> errors =
        IntStream.rangeClosed(1, 25)
            .mapToObj(line -> new IngestRejected.LineError((long) line, null, "bad line " + line))
            .toList();

    IngestRejected event = rejected(57, errors);

    assertEquals(IngestRejected.MAX_ERRORS, event.errors().size());
    assertEquals(errors.subList(0, 20), event.errors());
    assertEquals(57, event.errorCount());
  }

  @Test
  void errorCountCannotBeBelowTheListedErrors() {
    List<IngestRejected.LineError> two =
        List.of(
            new IngestRejected.LineError(1L, null, "a"),
            new IngestRejected.LineError(2L, null, "b"));

    assertThrows(IllegalArgumentException.class, () -> rejected(1, two));
  }

  @Test
  void lineErrorNeedsAMessage() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> new IngestRejected.LineError(3L, "prompt", null));

    assertEquals("LineError.message is required", e.getMessage());
  }

  @Test
  void metricsAreSortedCopiesSoTheJsonIsStable() {
    Map<String, Double> metrics = new HashMap<>(Map.of("val.loss", 2.3, "golden.exactMatch", 0.4));
    EvaluationCompleted event = evaluation(metrics);

    metrics.put("late", 1.0);

    assertEquals(
        List.of("golden.exactMatch", "val.loss"), List.copyOf(event.candidateMetrics().keySet()));
    assertThrows(UnsupportedOperationException.class, () -> event.candidateMetrics().clear());
    assertTrue(
        EventJson.toJson(event)
            .contains("\"candidateMetrics\":{\"golden.exactMatch\":0.4,\"val.loss\":2.3}"));
  }

  @Test
  void nullMetricIsRejected() {
    Map<String, Double> metrics = new HashMap<>();
    metrics.put("val.loss", null);

    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> evaluation(metrics));

    assertEquals("EvaluationCompleted.candidateMetrics must not contain null", e.getMessage());
  }

  @ParameterizedTest
  @CsvSource({
    "legal/v3/, legal/v3/train.jsonl, legal/v3/val.jsonl",
    "legal/v3, legal/v3/train.jsonl, legal/v3/val.jsonl"
  })
  void datasetFilesSitUnderThePrefix(String prefix, String trainKey, String valKey) {
    DatasetReady event = dataset(prefix, 10, List.of());

    assertEquals(trainKey, event.trainKey());
    assertEquals(valKey, event.valKey());
  }

  @Test
  void onlySucceededFailedAndCancelledEndAJob() {
    assertEquals(
        EnumSet.of(
            TrainingJobEvent.State.SUCCEEDED,
            TrainingJobEvent.State.FAILED,
            TrainingJobEvent.State.CANCELLED),
        EnumSet.copyOf(
            Arrays.stream(TrainingJobEvent.State.values())
                .filter(TrainingJobEvent.State::isTerminal)
                .toList()));
  }
}
