package dev.cft.runtime.store;

import io.minio.MinioClient;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Duration;

/** Produces the service's one {@link MinioClient} and closes its HTTP client on shutdown. */
@ApplicationScoped
public class ObjectStoreClients {

  @Produces
  @Singleton
  MinioClient minioClient(ObjectStoreConfig config) {
    return create(config, config.readTimeout());
  }

  /** A default secret stops the start, before anything reaches the store with it. */
  void refuseDefaultSecrets(
      @jakarta.enterprise.event.Observes io.quarkus.runtime.StartupEvent event,
      ObjectStoreConfig config) {
    DefaultSecrets.check(config);
  }

  void close(@Disposes MinioClient client) throws Exception {
    client.close();
  }

  /** A client for {@code config}'s store whose requests give up after {@code timeout}. */
  public static MinioClient create(ObjectStoreConfig config, Duration timeout) {
    MinioClient client =
        MinioClient.builder()
            .endpoint(config.endpoint())
            .region(config.region())
            .credentials(config.accessKey(), config.secretKey())
            .build();
    if (!config.pathStyle()) {
      client.enableVirtualStyleEndpoint();
    }
    client.setTimeout(config.connectTimeout().toMillis(), timeout.toMillis(), timeout.toMillis());
    return client;
  }
}
