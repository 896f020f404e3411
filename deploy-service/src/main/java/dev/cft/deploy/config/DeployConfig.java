package dev.cft.deploy.config;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.List;
import java.util.Optional;

/** deploy-service's settings ({@code cft.deploy.*}, env {@code CFT_DEPLOY_*}). */
@ConfigMapping(prefix = "cft.deploy")
public interface DeployConfig {
  /**
   * How often each replica re-reads the production aliases and serves what they say (catches up
   * with promotions it missed).
   */
  @WithDefault("30s")
  java.time.Duration reconcileInterval();

  /**
   * Versions served besides production, by name ({@code <domain>:v<N>}, for trying out candidates
   * and rejected versions): the least recently used is unloaded beyond this many.
   */
  @WithDefault("2")
  int versionsLoaded();

  /** Bearer keys. */
  Keys keys();

  /** The fine-tuning API ({@code /v1/files}, {@code /v1/fine_tuning/jobs}). */
  FineTuning fineTuning();

  interface FineTuning {
    /** Where uploaded files and the API's jobs are kept. */
    @WithDefault("fine-tuning")
    String bucket();

    /** The largest file {@code POST /v1/files} takes. */
    @WithDefault("512M")
    MemorySize maxFileSize();

    /** An example longer than this (UTF-8 bytes) makes a file unusable, as in ingest. */
    @WithDefault("32768")
    long maxExampleTokens();
  }

  /** What one request may ask for. */
  Limits limits();

  interface Keys {
    /**
     * Keys that may change state (rollback) as well as call the API. None: nobody may; the registry
     * is then read-only over HTTP.
     */
    Optional<List<String>> admin();

    /** Keys that may call the OpenAI-compatible API. */
    Optional<List<String>> api();

    /** Whether {@code /v1/*} needs a key (an API or admin key); open when false. */
    @WithDefault("false")
    boolean servingRequired();
  }

  interface Limits {
    /** The largest {@code max_tokens} / {@code max_completion_tokens} a request may ask for. */
    @WithDefault("1024")
    int maxTokens();

    /** The longest prompt in the model's tokens; 0: the model's context length. */
    @WithDefault("0")
    int maxPromptTokens();

    /** The largest request body (Content-Length). */
    @WithDefault("1M")
    MemorySize maxBodySize();

    /** Requests a minute per key (per client address without a key); 0: unlimited. */
    @WithDefault("600")
    int requestsPerMinute();
  }
}
