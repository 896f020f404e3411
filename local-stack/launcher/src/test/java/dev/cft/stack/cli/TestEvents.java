package dev.cft.stack.cli;

import dev.cft.events.CandidateReady;
import dev.cft.events.DatasetReady;
import dev.cft.events.EvaluationCompleted;
import dev.cft.events.IngestRejected;
import dev.cft.events.IngestRejected.LineError;
import dev.cft.events.ModelPromoted;
import dev.cft.events.TrainingJobEvent;
import dev.cft.events.TrainingProgress;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Valid events of one chain in domain {@code support}, for unit tests. */
final class TestEvents {
  static final String DOMAIN = "support";
  private static final Instant AT = Instant.parse("2025-03-01T10:16:02Z");

  /** The chain's correlation id. */
  private final String chain;

  TestEvents(String correlationId) {
    this.chain = correlationId;
  }

  private static String id() {
    return UUID.randomUUID().toString();
  }

  private static String at(String version) {
    return DOMAIN + "/versions/" + version + "/";
  }

  DatasetReady dataset(int v, String... sources) {
    String dir = DOMAIN + "/v" + v + "/";
    List<String> keys = List.of(sources);
    return new DatasetReady(
        id(), chain, DOMAIN, AT, v, "datasets", dir, dir + "m", 72, 8, 4, "a", keys, null, null);
  }

  IngestRejected rejected(String bucket, String key) {
    List<LineError> errors =
        List.of(
            new LineError(3L, "messages[0].role", "must be user"),
            new LineError(null, null, "no assistant message"));
    String errorsKey = key + ".errors.json";
    return new IngestRejected(
        id(), chain, DOMAIN, AT, bucket, key, "quarantine", key, errorsKey, 2, errors);
  }

  TrainingJobEvent job(TrainingJobEvent.State state, String message) {
    return new TrainingJobEvent(
        id(), chain, DOMAIN, AT, "job-1", state, 1, "base/gpt2", "w1", null, null, message);
  }

  TrainingProgress progress(String job, long step, long total, double loss, Double valLoss) {
    return new TrainingProgress(
        id(), chain, DOMAIN, AT, job, step, total, 0, loss, valLoss, 1234.5, 1e-4);
  }

  CandidateReady candidate(String version) {
    return new CandidateReady(
        id(), chain, DOMAIN, AT, "job-1", version, "models", at(version), 1, null);
  }

  EvaluationCompleted verdict(
      String version,
      String production,
      boolean passed,
      Map<String, Double> candidate,
      Map<String, Double> productionMetrics,
      String... reasons) {
    List<String> why = List.of(reasons);
    String report = at(version) + "evaluation.json";
    return new EvaluationCompleted(
        id(),
        chain,
        DOMAIN,
        AT,
        version,
        production,
        passed,
        why,
        candidate,
        productionMetrics,
        "models",
        at(version),
        report,
        null);
  }

  ModelPromoted promoted(String version, String previous) {
    ModelPromoted.Action action = ModelPromoted.Action.PROMOTED;
    return new ModelPromoted(
        id(), chain, DOMAIN, AT, version, previous, action, "models", at(version), "passed");
  }
}
