package dev.cft.train.config;

import dev.cft.lm.data.Packing;
import dev.cft.train.storage.Recipe;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.List;
import java.util.Optional;

/** How jobs train ({@code cft.train.*}, env {@code CFT_TRAIN_*}). */
@ConfigMapping(prefix = "cft.train")
public interface TrainConfig {
  /**
   * What a domain without a production model starts from: {@code tiny} (the built-in preset with
   * the byte tokenizer, trained from scratch), the name of a checkpoint under {@code
   * models/base/<name>/} (e.g. a Hugging Face {@code gpt2} directory), or {@code
   * hf:<repo>[@revision]}, a Hub model pulled into {@code models/base/} the first time.
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
  @WithDefault("400")
  int minStepsFromScratch();

  /** Caps the steps of a job (0: no cap), e.g. for demos and tests. */
  @WithDefault("0")
  long maxSteps();

  /**
   * Which weights train: {@code auto} (LoRA for large bases, else all), {@code full}, {@code lora}.
   */
  @WithDefault("auto")
  Recipe recipe();

  /** Peak learning rate; 0 = auto: 1e-3 from scratch, 3e-4 full fine-tuning, 5e-4 LoRA. */
  @WithDefault("0")
  double learningRate();

  /**
   * Scales the learning rate a job would use (set or auto), as OpenAI's {@code
   * learning_rate_multiplier}; an API job's own multiplier replaces it.
   */
  @WithDefault("1")
  double learningRateMultiplier();

  /** Rows per micro-batch. */
  @WithDefault("16")
  int batchSize();

  /** Micro-batches per optimizer step (the effective batch is their product). */
  @WithDefault("1")
  int gradientAccumulation();

  /** Tokens per row (at most the model's n_positions). */
  @WithDefault("128")
  int contextLength();

  /** {@code wrapped} (examples back to back, running positions) or {@code block-diagonal}. */
  @WithDefault("wrapped")
  Packing packing();

  @WithDefault("0.1")
  double dropout();

  /** Share of the steps warming the learning rate up; then cosine decay to 10 % of the peak. */
  @WithDefault("0.05")
  double warmupRatio();

  /** AdamW's decoupled weight decay of the block matrices. */
  @WithDefault("0.01")
  double weightDecay();

  /** Global gradient-norm clipping (0: none). */
  @WithDefault("1.0")
  double clipNorm();

  /** Steps between validations; 0 = auto: 20 validations over the run. */
  @WithDefault("0")
  int evalEvery();

  /**
   * Early stopping: validations without a better val loss before the run stops (it keeps its best
   * weights); 0 turns it off.
   */
  @WithDefault("5")
  int patience();

  /**
   * Where bases named {@code hf:<repo>[@revision]} come from ({@code cft.train.hub.*}; {@code
   * HF_ENDPOINT} and {@code HF_TOKEN} as Hugging Face's own tools read them).
   */
  HubSettings hub();

  interface HubSettings {
    /** The Hugging Face Hub, or a mirror of it. */
    @WithDefault("https://huggingface.co")
    String endpoint();

    /** An access token, for gated or private repositories. */
    Optional<String> token();
  }

  /** Low-rank adapters ({@code cft.train.lora.*}, env {@code CFT_TRAIN_LORA_*}). */
  LoraSettings lora();

  interface LoraSettings {
    @WithDefault("8")
    int rank();

    /** The adapters' update is scaled by alpha / rank. */
    @WithDefault("16")
    double alpha();

    /** Dropout on the adapters' input. */
    @WithDefault("0.05")
    double dropout();

    /** {@code attention}, {@code mlp}, or projection names ({@code attn.c_attn}, ...). */
    @WithDefault("attention,mlp")
    List<String> targets();

    /** The {@code auto} recipe trains LoRA for bases of at least this many parameters. */
    @WithDefault("50000000")
    long fromParameters();
  }

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

  /**
   * How long the checkpoints of an ended job are kept ({@code checkpoints/<jobId>/}); its record
   * stays, and a version's files (in the models bucket) are never touched. 0: kept for ever.
   */
  @WithDefault("7d")
  java.time.Duration checkpointRetention();

  /** How often this worker deletes checkpoints past their retention. */
  @WithDefault("1h")
  java.time.Duration retentionInterval();

  /** This worker's name in job events; the host name when unset. */
  Optional<String> workerId();

  /**
   * How long a stopping worker waits for its running job to checkpoint and hand over (the step in
   * progress, then the checkpoint upload); keep it below the pod's termination grace period.
   */
  @WithDefault("60s")
  java.time.Duration stopGrace();
}
