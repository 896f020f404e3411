package dev.cft.deploy;

import dev.cft.events.ModelKeys;
import dev.cft.events.Promotion;
import dev.cft.events.documents.Documents;
import dev.cft.events.documents.EvaluationReport;
import dev.cft.events.documents.ModelCard;
import dev.cft.runtime.store.ObjectStore;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** The card and verdict train and eval would write for a version, through the one writer. */
final class RegistryDocuments {
  private RegistryDocuments() {}

  static void write(
      ObjectStore store, String domain, String version, boolean passed, String reason) {
    write(store, domain, version, passed, reason, Promotion.AUTO, "corr-" + domain);
  }

  /**
   * @param promotion the domain's promotion mode as the gate recorded it
   * @param correlationId the chain that made the version
   */
  static void write(
      ObjectStore store,
      String domain,
      String version,
      boolean passed,
      String reason,
      Promotion promotion,
      String correlationId) {
    String prefix = ModelKeys.version(domain, version);
    int dataset = Integer.parseInt(version.substring(1));
    ModelCard card =
        new ModelCard(
            domain,
            version,
            Instant.now(),
            "job-" + version,
            "worker-1",
            correlationId,
            new ModelCard.Lineage(
                dataset,
                "datasets/" + domain + "/" + version + "/manifest.json",
                "0".repeat(64),
                "tiny",
                null,
                null,
                null),
            Map.of("epochs", 1),
            null,
            new ModelCard.Metrics(5, 5, false, 640, 100.0, 1.0, 1.0, 5L));
    EvaluationReport verdict =
        new EvaluationReport(
            domain,
            version,
            null,
            Instant.now(),
            correlationId,
            passed,
            List.of(reason),
            passed ? List.of() : List.of("val_improvement"),
            new EvaluationReport.Gate(0.01, 0.02, 0.0, null, null, promotion),
            Map.of("val", 4),
            Map.of("val", new EvaluationReport.SetMetrics(1.0, 2.72, 0.5, null, 64, 4)),
            null);
    store.write(
        "models", prefix + ModelKeys.EVALUATION, Documents.write(verdict), "application/json");
    store.write("models", prefix + ModelKeys.CARD, Documents.write(card), "application/json");
  }

  /** The verdict eval would send on {@code evaluations.completed} for a registered version. */
  static dev.cft.events.EvaluationCompleted verdict(
      String domain, String version, boolean passed, String correlationId, Promotion promotion) {
    return new dev.cft.events.EvaluationCompleted(
        dev.cft.events.EventIds.random(),
        correlationId,
        domain,
        Instant.now(),
        version,
        null,
        passed,
        List.of(passed ? "val loss improved" : "val loss worse"),
        Map.of("val.loss", 1.0),
        null,
        "models",
        ModelKeys.version(domain, version),
        ModelKeys.version(domain, version) + ModelKeys.EVALUATION,
        promotion);
  }
}
