package dev.cft.runtime.store;

import java.util.Set;

/**
 * Secrets that ship in examples and images (MinIO's, this project's local ones): a store reachable
 * with one is open to anyone who has read the same README.
 */
public final class DefaultSecrets {
  static final Set<String> KNOWN =
      Set.of("cft-local-secret", "minioadmin", "minio123", "changeme", "password", "secret");

  private DefaultSecrets() {}

  /** Refuses {@code config}'s credentials when they are a known default and that is not allowed. */
  public static void check(ObjectStoreConfig config) {
    if (!config.allowDefaultCredentials() && KNOWN.contains(config.secretKey().trim())) {
      throw new IllegalStateException(
          "CFT_S3_SECRET_KEY is a well-known default secret: set a secret of your own (a"
              + " Kubernetes Secret, an env var). For a local trial only, set"
              + " CFT_S3_ALLOW_DEFAULT_CREDENTIALS=true.");
    }
  }
}
