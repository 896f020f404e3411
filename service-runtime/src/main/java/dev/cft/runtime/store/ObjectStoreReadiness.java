package dev.cft.runtime.store;

import dev.cft.runtime.health.DependencyOutage;
import io.minio.MinioClient;
import io.minio.messages.ListAllMyBucketsResult.Bucket;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/** Ready while the store lists its buckets and every required one is there. */
@Readiness
@ApplicationScoped
public class ObjectStoreReadiness implements HealthCheck {
  public static final String NAME = "S3 object store";

  private final ObjectStoreConfig config;
  private final MinioClient probe;
  private final boolean gatesReadiness;

  @Inject
  public ObjectStoreReadiness(
      ObjectStoreConfig config,
      @ConfigProperty(name = DependencyOutage.IN_READINESS, defaultValue = "true")
          boolean gatesReadiness) {
    this.config = config;
    this.gatesReadiness = gatesReadiness;
    // Its own client: short timeouts, so a hung store shows as DOWN within a probe period.
    this.probe = ObjectStoreClients.create(config, config.healthTimeout());
  }

  @Override
  public HealthCheckResponse call() {
    HealthCheckResponseBuilder response =
        HealthCheckResponse.named(NAME).withData("endpoint", config.endpoint());
    try {
      Set<String> present =
          probe.listBuckets().stream().map(Bucket::name).collect(Collectors.toSet());
      List<String> missing =
          config.requiredBuckets().orElse(List.of()).stream()
              .filter(bucket -> !present.contains(bucket))
              .toList();
      if (!missing.isEmpty()) {
        return DependencyOutage.answer(
            response, "missing buckets " + String.join(",", missing), gatesReadiness);
      }
      return response.up().withData("buckets", present.size()).build();
    } catch (Exception e) {
      return DependencyOutage.answer(response, describe(e), gatesReadiness);
    }
  }

  private static String describe(Exception e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getClass().getSimpleName() + ": " + root.getMessage();
  }

  @PreDestroy
  void close() throws Exception {
    probe.close();
  }
}
