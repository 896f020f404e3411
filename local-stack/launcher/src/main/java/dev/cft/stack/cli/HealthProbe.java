package dev.cft.stack.cli;

import dev.cft.stack.Ports;
import io.minio.MinioClient;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * Asks each part the question that proves it works: Kafka answers a metadata request, the S3 server
 * lists its buckets, a service's {@code /q/health/ready} (on its management port) is UP.
 */
final class HealthProbe {
  private static final Duration TIMEOUT = Duration.ofSeconds(3);

  record Health(Part part, boolean up, String detail) {}

  private final StackSettings settings;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

  HealthProbe(StackSettings settings) {
    this.settings = settings;
  }

  Health check(Part part) {
    if (!Ports.isListening(settings.port(part))) {
      // Say so plainly, rather than a client's time-out or closed-channel error.
      return new Health(part, false, "not listening on 127.0.0.1:" + settings.port(part));
    }
    try {
      return switch (part) {
        case KAFKA -> kafka();
        case S3 -> s3();
        default -> service(part);
      };
    } catch (Exception e) {
      return new Health(part, false, reason(e));
    }
  }

  private Health kafka() throws Exception {
    Map<String, Object> config =
        Map.of(
            AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.kafkaBootstrap(),
            AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis(),
            AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
    try (Admin admin = Admin.create(config)) {
      String cluster =
          admin.describeCluster().clusterId().get(TIMEOUT.toMillis() + 500, TimeUnit.MILLISECONDS);
      int topics = admin.listTopics().names().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).size();
      return new Health(
          Part.KAFKA,
          true,
          settings.kafkaBootstrap() + " cluster " + cluster + ", " + topics + " topics");
    }
  }

  private Health s3() throws Exception {
    try (MinioClient client = settings.s3Client()) {
      client.setTimeout(TIMEOUT.toMillis(), TIMEOUT.toMillis(), TIMEOUT.toMillis());
      int buckets = client.listBuckets().size();
      return new Health(Part.S3, true, settings.s3Endpoint() + ", " + buckets + " buckets");
    }
  }

  private Health service(Part part) throws Exception {
    String url = settings.serviceUrl(part);
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(settings.managementUrl(part) + "/q/health/ready"))
            .timeout(TIMEOUT)
            .GET()
            .build();
    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
    boolean up = response.statusCode() == 200;
    return new Health(part, up, url + (up ? "" : " readiness " + response.statusCode()));
  }

  private static String reason(Exception e) {
    Throwable root = e;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    if (root instanceof ConnectException) {
      return "not listening";
    }
    return root.getClass().getSimpleName()
        + (root.getMessage() == null ? "" : ": " + root.getMessage());
  }
}
