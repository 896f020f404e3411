package dev.cft.eval.service;

import ai.djl.ndarray.NDManager;
import dev.cft.eval.config.GateConfig;
import dev.cft.eval.metrics.EvalMetrics;
import dev.cft.events.Buckets;
import dev.cft.events.CandidateReady;
import dev.cft.events.DatasetReady;
import dev.cft.events.EvaluationCompleted;
import dev.cft.events.ModelKeys;
import dev.cft.events.documents.Documents;
import dev.cft.events.documents.EvaluationReport;
import dev.cft.events.documents.ModelAlias;
import dev.cft.lm.Gpt;
import dev.cft.lm.data.DataFiles;
import dev.cft.lm.data.Example;
import dev.cft.lm.eval.Evaluator;
import dev.cft.lm.eval.Metrics;
import dev.cft.lm.io.Checkpoint;
import dev.cft.lm.tokenizer.TextTokenizer;
import dev.cft.runtime.io.WorkDirs;
import dev.cft.runtime.store.ObjectStore;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Judges a candidate: it and the domain's production model are scored on the same sets in one run
 * (the new version's val split, the golden sets {@code evals/<domain>/*.jsonl}, and the retention
 * set: earlier versions' val splits), the gate decides, and the verdict is written beside the
 * candidate as {@code evaluation.json}.
 */
@ApplicationScoped
public class CandidateEvaluator {
  static final String GATE_FILE = "gate.json";
  private static final Logger LOG = Logger.getLogger(CandidateEvaluator.class);
  private static final int BATCH = 16;

  private final ObjectStore store;
  private final GateConfig config;

  private final EvalMetrics metrics;

  public CandidateEvaluator(ObjectStore store, GateConfig config, EvalMetrics metrics) {
    this.metrics = metrics;
    this.store = store;
    this.config = config;
  }

  public EvaluationCompleted evaluate(CandidateReady candidate) {
    String domain = candidate.domain();
    String evaluationKey = candidate.modelPrefix() + ModelKeys.EVALUATION;
    var done = store.readIfExists(Buckets.MODELS, evaluationKey);
    if (done.isPresent()) {
      // A redelivery: the same verdict.
      return Evaluations.event(
          candidate,
          Documents.read(done.get(), EvaluationReport.class, where(evaluationKey)),
          evaluationKey);
    }
    Path work = null;
    long started = System.nanoTime();
    try {
      work = WorkDirs.create("cft-eval-");
      Map<String, List<Example>> sets = sets(candidate, work.resolve("sets"));
      Gate gate = gate(domain);
      String production = productionVersion(domain, candidate.modelVersion());
      Map<String, Metrics> candidateMetrics =
          score(candidate.modelPrefix(), sets, work.resolve("candidate"));
      Map<String, Metrics> productionMetrics =
          production == null
              ? null
              : score(ModelKeys.version(domain, production), sets, work.resolve("production"));
      Gate.Verdict verdict = gate.judge(candidateMetrics, productionMetrics);
      Map<String, Integer> sizes = new LinkedHashMap<>();
      sets.forEach((name, examples) -> sizes.put(name, examples.size()));
      EvaluationReport report =
          Evaluations.report(
              candidate,
              production,
              Instant.now(),
              gate,
              verdict,
              sizes,
              candidateMetrics,
              productionMetrics);
      store.write(Buckets.MODELS, evaluationKey, Documents.write(report), "application/json");
      metrics.evaluated(
          domain,
          candidateMetrics,
          productionMetrics,
          verdict.passed(),
          verdict.failedRules(),
          java.time.Duration.ofNanos(System.nanoTime() - started));
      LOG.infof(
          "%s %s vs %s: %s %s",
          domain,
          candidate.modelVersion(),
          production,
          verdict.passed() ? "PASSED" : "REJECTED",
          verdict.reasons());
      return Evaluations.event(candidate, report, evaluationKey);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot evaluate " + domain + " " + candidate.modelVersion(), e);
    } finally {
      WorkDirs.delete(work);
    }
  }

  /** The sets both models are scored on; empty ones are left out. */
  private Map<String, List<Example>> sets(CandidateReady candidate, Path dir) throws IOException {
    Files.createDirectories(dir);
    String domain = candidate.domain();
    Map<String, List<Example>> sets = new LinkedHashMap<>();
    sets.put(Gate.VAL, read(Buckets.DATASETS, valKey(domain, candidate.datasetVersion()), dir));
    List<Example> retention = new ArrayList<>();
    for (int v = 1; v < candidate.datasetVersion(); v++) {
      if (finished(domain, v) && store.exists(Buckets.DATASETS, valKey(domain, v))) {
        retention.addAll(read(Buckets.DATASETS, valKey(domain, v), dir));
      }
    }
    List<Example> golden = new ArrayList<>();
    for (ObjectStore.Entry entry : store.list(Buckets.EVALS, domain + "/")) {
      if (!entry.key().endsWith("/" + GATE_FILE)) {
        golden.addAll(read(Buckets.EVALS, entry.key(), dir));
      }
    }
    sets.put(Gate.RETENTION, retention);
    sets.put(Gate.GOLDEN, golden);
    sets.values().removeIf(List::isEmpty);
    return sets;
  }

  private static String valKey(String domain, int version) {
    return DatasetReady.versionPrefix(domain, version) + DatasetReady.VAL_FILE;
  }

  /** An unfinished version (no manifest: being written, or its writer died) holds no examples. */
  private boolean finished(String domain, int version) {
    return store.exists(
        Buckets.DATASETS, DatasetReady.versionPrefix(domain, version) + DatasetReady.MANIFEST_FILE);
  }

  private List<Example> read(String bucket, String key, Path dir) throws IOException {
    Path file = dir.resolve(key.replace('/', '_'));
    store.download(bucket, key, file);
    // A version of one example has an empty val split: a set with nothing in it, not an error.
    return Files.size(file) == 0 ? List.of() : DataFiles.read(file);
  }

  private Gate gate(String domain) {
    Gate gate = Gate.of(config);
    var overrides = store.readIfExists(Buckets.EVALS, domain + "/" + GATE_FILE);
    if (overrides.isEmpty()) {
      return gate;
    }
    try {
      return gate.with(GateOverrides.read(overrides.get()));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "s3://" + Buckets.EVALS + "/" + domain + "/" + GATE_FILE + ": " + e.getMessage(), e);
    }
  }

  private String productionVersion(String domain, String candidateVersion) {
    var alias = store.readIfExists(Buckets.MODELS, aliasKey(domain));
    if (alias.isEmpty()) {
      return null;
    }
    String version =
        Documents.read(alias.get(), ModelAlias.class, where(aliasKey(domain))).version();
    return candidateVersion.equals(version) ? null : version;
  }

  private Map<String, Metrics> score(String prefix, Map<String, List<Example>> sets, Path dir)
      throws IOException {
    store.downloadModel(Buckets.MODELS, prefix, dir);
    Map<String, Metrics> metrics = new LinkedHashMap<>();
    try (NDManager manager = NDManager.newBaseManager();
        Gpt model = Checkpoint.load(dir, manager);
        TextTokenizer tokenizer = TextTokenizer.load(dir)) {
      Evaluator evaluator = new Evaluator(model, tokenizer, BATCH);
      for (Map.Entry<String, List<Example>> set : sets.entrySet()) {
        Metrics tokens = evaluator.tokenMetrics(set.getValue());
        List<Example> sample =
            set.getValue().subList(0, Math.min(set.getValue().size(), config.exactMatchExamples()));
        Double exact =
            sample.isEmpty() ? null : evaluator.exactMatch(sample, config.exactMatchMaxTokens());
        metrics.put(
            set.getKey(),
            new Metrics(
                tokens.loss(),
                tokens.perplexity(),
                tokens.tokenAccuracy(),
                exact,
                tokens.tokens(),
                tokens.examples()));
      }
    }
    return metrics;
  }

  private static String aliasKey(String domain) {
    return ModelKeys.alias(domain, ModelKeys.PRODUCTION);
  }

  /** Names a models-bucket object in messages. */
  private static String where(String key) {
    return "s3://" + Buckets.MODELS + "/" + key;
  }
}
