package dev.cft.train.service;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cft.events.Buckets;
import dev.cft.events.CandidateReady;
import dev.cft.events.DatasetReady;
import dev.cft.events.EventIds;
import dev.cft.events.ModelKeys;
import dev.cft.events.TrainingJobEvent.State;
import dev.cft.events.TrainingProgress;
import dev.cft.lm.Gpt;
import dev.cft.lm.GptConfig;
import dev.cft.lm.data.DataFiles;
import dev.cft.lm.data.Example;
import dev.cft.lm.io.Checkpoint;
import dev.cft.lm.tokenizer.ByteTokenizer;
import dev.cft.lm.tokenizer.TextTokenizer;
import dev.cft.lm.train.FineTuner;
import dev.cft.lm.train.TrainingListener;
import dev.cft.lm.train.TrainingRequest;
import dev.cft.lm.train.TrainingResult;
import dev.cft.runtime.store.ObjectStore;
import dev.cft.train.config.TrainConfig;
import dev.cft.train.messaging.JobEvents;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * Runs one training job: the domain's production model (else the configured base) fine-tuned on the
 * new dataset version plus a replay sample of earlier ones, checkpoints uploaded as it goes, the
 * result registered as a candidate version with a card that records its lineage.
 */
@ApplicationScoped
public class JobRunner {
  static final String BYTE_TOKENIZER_BASE = "tiny";
  private static final Logger LOG = Logger.getLogger(JobRunner.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final ObjectStore store;
  private final TrainConfig config;
  private final JobEvents events;
  private final String workerId;

  public JobRunner(ObjectStore store, TrainConfig config, JobEvents events) {
    this.store = store;
    this.config = config;
    this.events = events;
    this.workerId = config.workerId().orElseGet(JobRunner::hostName);
  }

  public static String jobId(DatasetReady ready) {
    return EventIds.deterministic("TrainingJob", ready.domain(), ready.datasetVersion());
  }

  /** A fine-tuning run's starting point: a checkpoint directory, or null for a fresh tiny model. */
  private record Start(String name, Path dir, String parentVersion) {}

  public void run(DatasetReady ready) {
    String domain = ready.domain();
    String version = ModelKeys.versionName(ready.datasetVersion());
    String prefix = ModelKeys.version(domain, version);
    String jobId = jobId(ready);
    if (store.exists(Buckets.MODELS, prefix + ModelKeys.CARD)) {
      LOG.infof("%s %s is already registered: job %s has nothing to do", domain, version, jobId);
      return;
    }
    Path work = null;
    Start start = null;
    try {
      work = Files.createTempDirectory("cft-job-");
      start = start(domain, work.resolve("parent"));
      job(ready, jobId, State.RUNNING, start.name(), null, null, null);
      List<Example> train = trainingData(ready, work);
      List<Example> val = read(ready.valKey(), work.resolve("val.jsonl"));
      Path out = work.resolve("model");
      TrainingResult result;
      try (NDManager manager = NDManager.newBaseManager();
          Gpt model = model(start, manager);
          TextTokenizer tokenizer = tokenizer(start)) {
        TrainingRequest request = request(train, val, work.resolve("checkpoints"));
        result =
            new FineTuner(model, tokenizer).train(request, listener(ready, jobId, start.name()));
        Checkpoint.save(model, tokenizer, out);
      }
      store.uploadDirectory(out, Buckets.MODELS, prefix);
      writeCard(ready, jobId, start, result, prefix);
      events.candidate(
          new CandidateReady(
              EventIds.deterministic("CandidateReady", domain, version),
              ready.correlationId(),
              domain,
              Instant.now(),
              jobId,
              version,
              Buckets.MODELS,
              prefix,
              ready.datasetVersion(),
              start.parentVersion()));
      job(
          ready,
          jobId,
          State.SUCCEEDED,
          start.name(),
          result.steps(),
          null,
          "candidate " + version);
      LOG.infof(
          "%s %s: trained %d steps, best val loss %.4f",
          domain, version, result.steps(), result.bestValidationLoss());
    } catch (IOException | RuntimeException e) {
      LOG.errorf(e, "job %s (%s v%d) failed", jobId, domain, ready.datasetVersion());
      job(
          ready,
          jobId,
          State.FAILED,
          start == null ? config.baseModel() : start.name(),
          null,
          null,
          String.valueOf(e.getMessage()));
    } finally {
      deleteTree(work);
    }
  }

  /** The production model of the domain if it has one, else the configured base. */
  private Start start(String domain, Path dir) {
    var alias = store.readIfExists(Buckets.MODELS, ModelKeys.alias(domain, ModelKeys.PRODUCTION));
    if (alias.isPresent()) {
      String version = readJson(alias.get()).path("version").asText();
      String prefix = ModelKeys.version(domain, version);
      requireModel(store.downloadDirectory(Buckets.MODELS, prefix, dir), prefix);
      return new Start(prefix, dir, version);
    }
    if (config.baseModel().equals(BYTE_TOKENIZER_BASE)) {
      return new Start(BYTE_TOKENIZER_BASE, null, null);
    }
    String prefix = ModelKeys.base(config.baseModel());
    requireModel(store.downloadDirectory(Buckets.MODELS, prefix, dir), prefix);
    return new Start(prefix, dir, null);
  }

  private static void requireModel(int files, String prefix) {
    if (files == 0) {
      throw new IllegalStateException("no model at s3://" + Buckets.MODELS + "/" + prefix);
    }
  }

  private Gpt model(Start start, NDManager manager) throws IOException {
    if (start.dir() == null) {
      return Gpt.initialize(GptConfig.tiny(ByteTokenizer.VOCAB), manager, config.seed());
    }
    return Checkpoint.load(start.dir(), manager);
  }

  private static TextTokenizer tokenizer(Start start) throws IOException {
    return start.dir() == null ? new ByteTokenizer() : TextTokenizer.load(start.dir());
  }

  /** The new version's train split plus a seeded sample of earlier versions' train splits. */
  private List<Example> trainingData(DatasetReady ready, Path work) throws IOException {
    List<Example> train = new ArrayList<>(read(ready.trainKey(), work.resolve("train.jsonl")));
    int fresh = train.size();
    List<Example> earlier = new ArrayList<>();
    for (int v = 1; v < ready.datasetVersion(); v++) {
      String key = ready.domain() + "/v" + v + "/" + DatasetReady.TRAIN_FILE;
      if (store.exists(ready.bucket(), key)) {
        earlier.addAll(read(key, work.resolve("replay-v" + v + ".jsonl")));
      }
    }
    java.util.Collections.shuffle(earlier, new Random(config.seed() + ready.datasetVersion()));
    int replay = (int) Math.min(earlier.size(), Math.round(fresh * config.replayRatio()));
    train.addAll(earlier.subList(0, replay));
    return train;
  }

  private List<Example> read(String key, Path file) throws IOException {
    try (var in = store.open(Buckets.DATASETS, key)) {
      Files.copy(in, file);
    }
    return DataFiles.read(file);
  }

  private TrainingRequest request(List<Example> train, List<Example> val, Path checkpoints) {
    int epochs = config.epochs() > 0 ? config.epochs() : autoEpochs(train.size());
    return TrainingRequest.builder(train, config.contextLength())
        .validation(val)
        .epochs(epochs)
        .maxSteps(config.maxSteps())
        .batch(config.batchSize(), 1)
        .learningRate(config.learningRate(), 0.05, 0.1)
        .regularization(0.01, 1.0, config.dropout())
        .seed(config.seed())
        .validateEvery(0, 0)
        .checkpoints(config.checkpointEvery(), checkpoints)
        .build();
  }

  /**
   * OpenAI's rule: 3 epochs, more for small sets (at least ~100 examples seen, at most 25 epochs),
   * fewer for large ones (at most ~25,000 examples seen).
   */
  static int autoEpochs(int examples) {
    if (examples * 3L < 100) {
      return Math.min(25, (100 + examples - 1) / examples);
    }
    if (examples * 3L > 25_000) {
      return Math.max(1, 25_000 / examples);
    }
    return 3;
  }

  private TrainingListener listener(DatasetReady ready, String jobId, String base) {
    return new TrainingListener() {
      Double lastVal;

      @Override
      public void onStep(Step step) {
        if (step.step() % config.progressEvery() == 0 || step.step() == step.totalSteps()) {
          events.progress(
              new TrainingProgress(
                  EventIds.random(),
                  ready.correlationId(),
                  ready.domain(),
                  Instant.now(),
                  jobId,
                  step.step(),
                  step.totalSteps(),
                  step.epoch(),
                  step.loss(),
                  lastVal,
                  step.tokensPerSecond(),
                  step.learningRate()));
          lastVal = null;
        }
      }

      @Override
      public void onValidation(long step, double validationLoss, boolean improved) {
        lastVal = validationLoss;
      }

      @Override
      public void onCheckpoint(long step, Path dir) {
        String key = jobId + "/step-" + step + "/";
        store.uploadDirectory(dir, Buckets.CHECKPOINTS, key);
        job(ready, jobId, State.HEARTBEAT, base, step, key, null);
      }
    };
  }

  private void writeCard(
      DatasetReady ready, String jobId, Start start, TrainingResult result, String prefix) {
    ObjectNode card = JSON.createObjectNode();
    card.put("domain", ready.domain())
        .put("version", ModelKeys.versionName(ready.datasetVersion()));
    card.put("createdAt", Instant.now().toString()).put("jobId", jobId).put("workerId", workerId);
    card.put("correlationId", ready.correlationId());
    ObjectNode lineage = card.putObject("lineage");
    lineage
        .put("datasetVersion", ready.datasetVersion())
        .put("datasetManifest", ready.bucket() + "/" + ready.manifestKey());
    lineage.put("datasetSha256", ready.contentSha256()).put("startedFrom", start.name());
    if (start.parentVersion() == null) {
      lineage.putNull("parentVersion");
    } else {
      lineage.put("parentVersion", start.parentVersion());
    }
    ObjectNode hyper = card.putObject("hyperParameters");
    hyper.put(
        "epochs", config.epochs() > 0 ? config.epochs() : autoEpochs((int) ready.trainExamples()));
    hyper.put("maxSteps", config.maxSteps()).put("learningRate", config.learningRate());
    hyper.put("batchSize", config.batchSize()).put("contextLength", config.contextLength());
    hyper
        .put("dropout", config.dropout())
        .put("replayRatio", config.replayRatio())
        .put("seed", config.seed());
    ObjectNode metrics = card.putObject("metrics");
    metrics.put("steps", result.steps()).put("trainedTokens", result.trainedTokens());
    metrics.put("tokensPerSecond", result.tokensPerSecond());
    if (!result.losses().isEmpty()) {
      metrics.put("finalTrainLoss", result.losses().get(result.losses().size() - 1));
    }
    if (Double.isFinite(result.bestValidationLoss())) {
      metrics.put("bestValLoss", result.bestValidationLoss()).put("bestStep", result.bestStep());
    }
    try {
      store.write(
          Buckets.MODELS,
          prefix + ModelKeys.CARD,
          JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(card),
          "application/json");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void job(
      DatasetReady ready,
      String jobId,
      State state,
      String base,
      Long step,
      String checkpoint,
      String message) {
    events.job(ready, jobId, state, base, workerId, step, checkpoint, message);
  }

  /** What a job starts from when its domain has no production model. */
  public String baseModel() {
    return config.baseModel().equals(BYTE_TOKENIZER_BASE)
        ? BYTE_TOKENIZER_BASE
        : ModelKeys.base(config.baseModel());
  }

  private static JsonNode readJson(byte[] bytes) {
    try {
      return JSON.readTree(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "worker-" + ProcessHandle.current().pid();
    }
  }

  private static void deleteTree(Path dir) {
    if (dir == null) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      LOG.warnf("could not delete %s: %s", dir, e.getMessage());
    }
  }
}
