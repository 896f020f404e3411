package dev.cft.train.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.Optional;

/** How jobs train ({@code cft.train.*}, env {@code CFT_TRAIN_*}). */
@ConfigMapping(prefix = "cft.train")
public interface TrainConfig {
  /**
   * What a domain without a production model starts from: {@code tiny} (the built-in preset with
   * the byte tokenizer, trained from scratch) or the name of a checkpoint under {@code
   * models/base/<name>/} (e.g. a Hugging Face {@code gpt2} directory).
   */
  @WithDefault("tiny")
  String baseModel();

  /** Epochs; 0 = auto: more passes over small datasets, like OpenAI's heuristic. */
  @WithDefault("0")
  int epochs();

  /**
   * With auto epochs, a model trained from scratch (the {@code tiny} base) gets at least this many
   * steps: OpenAI's epoch rule assumes a pretrained base, and a random model learns nothing in a
   * dozen steps.
   */
  @WithDefault("300")
  int minStepsFromScratch();

  /** Caps the steps of a job (0: no cap), e.g. for demos and tests. */
  @WithDefault("0")
  long maxSteps();

  @WithDefault("3e-4")
  double learningRate();

  @WithDefault("16")
  int batchSize();

  @WithDefault("128")
  int contextLength();

  @WithDefault("0.1")
  double dropout();

  /** Steps between checkpoints (uploaded to {@code checkpoints/<jobId>/step-<k>/}). */
  @WithDefault("50")
  int checkpointEvery();

  /** Earlier versions' examples added, as a share of the new version's (against forgetting). */
  @WithDefault("0.25")
  double replayRatio();

  /** Steps between progress events. */
  @WithDefault("5")
  int progressEvery();

  @WithDefault("42")
  long seed();

  /** How often this worker renews the heartbeat of the jobs it owns (in the store). */
  @WithDefault("10s")
  java.time.Duration heartbeatInterval();

  /** A job whose heartbeat is older than this lost its worker: another one takes it over. */
  @WithDefault("60s")
  java.time.Duration staleAfter();

  /** How often this worker looks for jobs that lost their worker. */
  @WithDefault("15s")
  java.time.Duration recoveryInterval();

  /** This worker's name in job events; the host name when unset. */
  Optional<String> workerId();

  /**
   * How long a stopping worker waits for its running job to checkpoint and hand over (the step in
   * progress, then the checkpoint upload); keep it below the pod's termination grace period.
   */
  @WithDefault("60s")
  java.time.Duration stopGrace();
}
