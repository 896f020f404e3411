package dev.cft.deploy;

import dev.cft.events.ModelKeys;
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
    String prefix = ModelKeys.version(domain, version);
    int dataset = Integer.parseInt(version.substring(1));
    ModelCard card =
        new ModelCard(
            domain,
            version,
            Instant.now(),
            "job-" + version,
            "worker-1",
            "corr-" + domain,
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
            "corr-" + domain,
            passed,
            List.of(reason),
            passed ? List.of() : List.of("val_improvement"),
            new EvaluationReport.Gate(0.01, 0.02, 0.0, null, null),
            Map.of("val", 4),
            Map.of("val", new EvaluationReport.SetMetrics(1.0, 2.72, 0.5, null, 64, 4)),
            null);
    store.write(
        "models", prefix + ModelKeys.EVALUATION, Documents.write(verdict), "application/json");
    store.write("models", prefix + ModelKeys.CARD, Documents.write(card), "application/json");
  }
}
