package dev.cft.runtime.kafka;

import dev.cft.runtime.health.DependencyOutage;
import io.smallrye.common.annotation.Identifier;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Node;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready while the broker answers a metadata request within a few seconds.
 *
 * <p>Quarkus' own Kafka check waits without a bound (a minute while the broker is gone), longer
 * than any probe period; this one is bounded and reuses the {@code kafka.*} settings (TLS, SASL).
 */
@Readiness
@ApplicationScoped
public class KafkaReadiness implements HealthCheck {
  public static final String NAME = "Kafka broker";

  private final Admin admin;
  private final Duration timeout;
  private final Object bootstrap;
  private final boolean gatesReadiness;

  @Inject
  public KafkaReadiness(
      @Identifier("default-kafka-broker") Map<String, Object> kafkaConfig,
      @ConfigProperty(name = "cft.kafka.health-timeout", defaultValue = "3s") Duration timeout,
      @ConfigProperty(name = DependencyOutage.IN_READINESS, defaultValue = "true")
          boolean gatesReadiness) {
    this.timeout = timeout;
    this.gatesReadiness = gatesReadiness;
    this.bootstrap = kafkaConfig.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG);
    this.admin = KafkaAdmins.create(kafkaConfig, timeout, "readiness");
  }

  @Override
  public HealthCheckResponse call() {
    HealthCheckResponseBuilder response =
        HealthCheckResponse.named(NAME).withData("bootstrap.servers", String.valueOf(bootstrap));
    try {
      Collection<Node> nodes =
          admin
              .describeCluster(new DescribeClusterOptions().timeoutMs((int) timeout.toMillis()))
              .nodes()
              .get(timeout.toMillis() + 500, TimeUnit.MILLISECONDS);
      String addresses =
          nodes.stream().map(n -> n.host() + ":" + n.port()).collect(Collectors.joining(","));
      return response.up().withData("nodes", addresses).build();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return DependencyOutage.answer(response, "interrupted", gatesReadiness);
    } catch (Exception e) {
      return DependencyOutage.answer(response, e.toString(), gatesReadiness);
    }
  }

  @PreDestroy
  void close() {
    admin.close(Duration.ofSeconds(2));
  }
}
