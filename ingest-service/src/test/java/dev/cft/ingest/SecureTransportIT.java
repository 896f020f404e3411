package dev.cft.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cft.events.DatasetReady;
import dev.cft.events.EventJson;
import dev.cft.events.Topics;
import dev.cft.stack.LocalStack;
import dev.cft.stack.TlsFiles;
import dev.cft.stack.test.PackagedService;
import io.minio.GetObjectArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import okhttp3.OkHttpClient;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

/**
 * The packaged service (a real process) on a broker it reaches only over SASL_SSL and an S3 store
 * it reaches only over HTTPS, configured by the environment variables {@code docs/reliability.md}
 * names: it becomes ready and turns a dropped file into a dataset version.
 */
class SecureTransportIT {

  @Test
  void theServiceWorksOverSaslSslKafkaAndHttpsS3() throws Exception {
    Path dir = Files.createTempDirectory(Path.of("target"), "secure-stack");
    TlsFiles tls = TlsFiles.create(dir.resolve("tls"));
    LocalStack.Settings settings =
        LocalStack.Settings.onFreePorts(dir.resolve("state")).secured(tls);
    LocalStack.Secured secured = settings.secured();
    Map<String, String> kafka = new HashMap<>();
    kafka.put("bootstrap.servers", secured.kafkaBootstrap());
    kafka.put("security.protocol", "SASL_SSL");
    kafka.put("sasl.mechanism", "PLAIN");
    kafka.put("sasl.jaas.config", jaas(secured.user(), secured.password()));
    kafka.put("ssl.truststore.location", tls.trustStore().toString());
    kafka.put("ssl.truststore.password", tls.password());
    kafka.put("ssl.truststore.type", "PKCS12");

    try (LocalStack stack = LocalStack.start(settings)) {
      Map<String, String> wrongPassword = new HashMap<>(kafka);
      wrongPassword.put("sasl.jaas.config", jaas(secured.user(), "not-the-password"));
      try (Admin admin = Admin.create(new HashMap<String, Object>(wrongPassword))) {
        ExecutionException refused =
            assertThrows(
                ExecutionException.class,
                () -> admin.describeCluster().nodes().get(30, TimeUnit.SECONDS));
        assertTrue(
            refused.getCause() instanceof SaslAuthenticationException,
            "the broker checks the password: " + refused.getCause());
      }

      Map<String, String> environment = new HashMap<>();
      kafka.forEach((k, v) -> environment.put("KAFKA_" + k.toUpperCase().replace('.', '_'), v));
      environment.put("CFT_S3_ENDPOINT", settings.s3Endpoint());
      // The MinIO SDK trusts the CAs of this PEM file (the JVM's javax.net.ssl.trustStore is not
      // what its HTTP client ends up using).
      environment.put("SSL_CERT_FILE", tls.certificate().toString());
      environment.put("CFT_S3_ACCESS_KEY", settings.accessKey());
      environment.put("CFT_S3_SECRET_KEY", settings.secretKey());
      Path log = Files.createTempFile(Path.of("target"), "secure-transport", ".log");
      Process service =
          PackagedService.start(
              Map.of(), environment, List.of("-Dcft.ingest.scan-interval=1s"), log);
      try {
        awaitReady(service, log);
        MinioClient s3 =
            MinioClient.builder()
                .endpoint(settings.s3Endpoint())
                .region("us-east-1")
                .credentials(settings.accessKey(), settings.secretKey())
                .httpClient(trusting(tls))
                .build();
        String domain = "secure-" + UUID.randomUUID().toString().substring(0, 8);
        byte[] file = IngestFlowIT.chats(0, 30).getBytes(StandardCharsets.UTF_8);
        s3.putObject(
            PutObjectArgs.builder().bucket("ingest").object(domain + "/over-tls.jsonl").stream(
                    new ByteArrayInputStream(file), (long) file.length, -1L)
                .build());

        DatasetReady ready = awaitDataset(kafka, domain);
        assertEquals(30, ready.trainExamples() + ready.valExamples());
        try (InputStream manifest =
            s3.getObject(
                GetObjectArgs.builder().bucket("datasets").object(ready.manifestKey()).build())) {
          assertTrue(
              new String(manifest.readAllBytes(), StandardCharsets.UTF_8).contains(domain),
              "the manifest written over HTTPS names the domain");
        }
      } finally {
        service.destroy();
        if (!service.waitFor(30, TimeUnit.SECONDS)) {
          service.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
      }
    }
  }

  private static String jaas(String user, String password) {
    return "org.apache.kafka.common.security.plain.PlainLoginModule required username=\""
        + user
        + "\" password=\""
        + password
        + "\";";
  }

  /** Ready (Kafka over SASL_SSL and S3 over HTTPS both answered) within 90 s. */
  private static void awaitReady(Process service, Path log) throws Exception {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    int status = -1;
    while (System.nanoTime() < until) {
      assertTrue(service.isAlive(), "exited: " + Files.readString(log));
      Matcher port = PackagedService.MANAGEMENT_PORT.matcher(Files.readString(log));
      if (port.find()) {
        status =
            http.send(
                    HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + port.group(1) + "/q/health/ready"))
                        .build(),
                    HttpResponse.BodyHandlers.discarding())
                .statusCode();
        if (status == 200) {
          return;
        }
      }
      Thread.sleep(500);
    }
    throw new AssertionError("not ready (" + status + "): " + Files.readString(log));
  }

  private static DatasetReady awaitDataset(Map<String, String> kafka, String domain) {
    Map<String, Object> config = new HashMap<>(kafka);
    config.put(ConsumerConfig.GROUP_ID_CONFIG, "secure-it-" + UUID.randomUUID());
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    try (var consumer =
        new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(Topics.DATASETS_READY));
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
      while (System.nanoTime() < until) {
        for (var record : consumer.poll(Duration.ofMillis(500))) {
          DatasetReady event = EventJson.fromBytes(record.value(), DatasetReady.class);
          if (event.domain().equals(domain)) {
            return event;
          }
        }
      }
    }
    throw new AssertionError("no datasets.ready for " + domain + " over SASL_SSL");
  }

  /** An HTTP client for the MinIO SDK that trusts the stack's certificate. */
  private static OkHttpClient trusting(TlsFiles tls) throws Exception {
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(tls.trustStore())) {
      store.load(in, tls.password().toCharArray());
    }
    TrustManagerFactory factory =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(store);
    X509TrustManager trust = (X509TrustManager) factory.getTrustManagers()[0];
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, new javax.net.ssl.TrustManager[] {trust}, null);
    return new OkHttpClient.Builder().sslSocketFactory(context.getSocketFactory(), trust).build();
  }
}
