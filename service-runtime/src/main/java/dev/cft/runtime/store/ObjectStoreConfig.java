package dev.cft.runtime.store;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The S3 store (MinIO, any S3-compatible server, or the embedded one). Credentials have no default:
 * set {@code CFT_S3_ACCESS_KEY} and {@code CFT_S3_SECRET_KEY} (a Kubernetes Secret in a cluster).
 */
@ConfigMapping(prefix = "cft.s3")
public interface ObjectStoreConfig {
  /** Base URL, e.g. {@code http://127.0.0.1:9000}. */
  @WithDefault("http://127.0.0.1:9000")
  String endpoint();

  @WithDefault("us-east-1")
  String region();

  /** Path-style requests ({@code host/bucket/key}); MinIO and most self-hosted stores need them. */
  @WithDefault("true")
  boolean pathStyle();

  String accessKey();

  String secretKey();

  /**
   * Whether a well-known default secret ({@link DefaultSecrets}) is accepted. Off: a service
   * refuses to start with one. Only a local trial (the dev profile, the Compose file, the local
   * Kubernetes overlay) turns it on, and says so.
   */
  @WithDefault("false")
  boolean allowDefaultCredentials();

  /** Buckets this service cannot work without: readiness is DOWN while one is missing. */
  Optional<List<String>> requiredBuckets();

  @WithDefault("5s")
  Duration connectTimeout();

  /** Read/write timeout of data requests; large checkpoints need minutes on slow links. */
  @WithDefault("5m")
  Duration readTimeout();

  /**
   * How long a request is retried, with backoff, while the store is unreachable or answers 5xx;
   * past it the work fails (and its record goes to the dead-letter topic). 0: no retries.
   */
  @WithDefault("5m")
  Duration retryFor();

  /** Timeout of the readiness probe's requests: a hung store must turn readiness DOWN quickly. */
  @WithDefault("3s")
  Duration healthTimeout();
}
