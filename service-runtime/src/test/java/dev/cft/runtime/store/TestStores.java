package dev.cft.runtime.store;

import dev.cft.stack.test.SharedLocalStack;
import io.minio.MinioClient;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** The real S3 server of the local stack, for tests that need the store without a service. */
public final class TestStores {
  private TestStores() {}

  /**
   * A client of the shared stack's S3 server; close it. Through its config, not the {@code
   * LocalStack} object: the Quarkus tests of the same run may have started it in their loader.
   */
  public static MinioClient client() {
    java.util.Map<String, String> config = SharedLocalStack.get().serviceConfig();
    return MinioClient.builder()
        .endpoint(config.get("cft.s3.endpoint"))
        .region("us-east-1")
        .credentials(config.get("cft.s3.access-key"), config.get("cft.s3.secret-key"))
        .build();
  }

  public static ObjectStore objectStore(MinioClient client) {
    return new ObjectStore(client, new Retrying());
  }

  /** The store's settings that matter here: requests retried for a while, as in the services. */
  private static final class Retrying implements ObjectStoreConfig {
    @Override
    public String endpoint() {
      return "";
    }

    @Override
    public String region() {
      return "us-east-1";
    }

    @Override
    public boolean pathStyle() {
      return true;
    }

    @Override
    public String accessKey() {
      return "";
    }

    @Override
    public String secretKey() {
      return "";
    }

    @Override
    public boolean allowDefaultCredentials() {
      return true;
    }

    @Override
    public Optional<List<String>> requiredBuckets() {
      return Optional.empty();
    }

    @Override
    public Duration connectTimeout() {
      return Duration.ofSeconds(5);
    }

    @Override
    public Duration readTimeout() {
      return Duration.ofSeconds(30);
    }

    @Override
    public Duration retryFor() {
      return Duration.ofSeconds(30);
    }

    @Override
    public Duration healthTimeout() {
      return Duration.ofSeconds(3);
    }
  }
}
