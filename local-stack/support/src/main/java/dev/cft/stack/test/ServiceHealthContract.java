package dev.cft.stack.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.http.TestHTTPResource;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The health contract every pipeline service keeps, shown against the real broker and the real S3
 * server: ready with both, not ready while either is gone, ready again once it is back, Prometheus
 * metrics exposed, on the management port and not on the service's own. A service's {@code *IT}
 * extends this with {@code @QuarkusTest} and {@code @WithTestResource(LocalStackResource.class)}.
 */
public abstract class ServiceHealthContract {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @TestHTTPResource("/")
  URI service;

  @Test
  void readyWhenKafkaAndS3Answer() throws Exception {
    String body = awaitReadiness(200);
    assertCheck(body, "Kafka", "UP");
    assertCheck(body, "S3", "UP");
  }

  @Test
  void notReadyWhileS3IsDownAndReadyAgainAfter() throws Exception {
    SharedLocalStack stack = SharedLocalStack.get();
    assertNotReadyDuringOutage(stack::stopS3, stack::startS3, "S3", "Kafka");
  }

  @Test
  void notReadyWhileKafkaIsDownAndReadyAgainAfter() throws Exception {
    SharedLocalStack stack = SharedLocalStack.get();
    assertNotReadyDuringOutage(stack::stopKafka, stack::startKafka, "Kafka", "S3");
  }

  /** The topic the service consumes, whose unreadable records go to {@code <topic>.dlq}. */
  protected abstract String consumedTopic();

  /**
   * A record nobody can read goes to the consumer's dead-letter topic with the reason, and the
   * service stays ready (the stage tests show it consuming on).
   */
  @Test
  void aPoisonRecordGoesToTheDeadLetterTopicWithTheReason() throws Exception {
    String marker = "poison-" + java.util.UUID.randomUUID();
    String topic = consumedTopic();
    try (TopicWatcher dlq = new TopicWatcher(dev.cft.events.Topics.dlq(topic))) {
      var poison = TestEvents.publishText(topic, marker, "{not json " + marker);
      Instant until = Instant.now().plus(WAIT);
      while (Instant.now().isBefore(until)) {
        for (var record : dlq.drain(Duration.ofSeconds(1))) {
          if (new String(record.value(), java.nio.charset.StandardCharsets.UTF_8)
              .contains(marker)) {
            var reason = record.headers().lastHeader("dead-letter-reason");
            assertTrue(reason != null, "the DLQ record carries the reason");
            String why = new String(reason.value(), java.nio.charset.StandardCharsets.UTF_8);
            // The deserializer's reason ("Topic <t>: ... not valid JSON ...") or the consumer's
            // ("unreadable record at <t>-<p>@<o>"): either names the topic.
            assertTrue(why.contains(topic), why);
            awaitReadiness(200);
            awaitCommittedPast(topic, poison.partition(), poison.offset());
            return;
          }
        }
      }
      throw new AssertionError("the poison record on " + topic + " did not reach its DLQ");
    }
  }

  /**
   * The consumer group commits past a dead-lettered record even when it is the last of its
   * partition: otherwise its lag stays at one for ever (KEDA keeps a worker up) and the record is
   * dead-lettered again after every restart. SmallRye's own commit strategy fails this.
   */
  private static void awaitCommittedPast(String topic, int partition, long offset)
      throws Exception {
    String group = groupReading(topic);
    var tp = new org.apache.kafka.common.TopicPartition(topic, partition);
    try (var admin =
        org.apache.kafka.clients.admin.Admin.create(
            java.util.Map.of("bootstrap.servers", SharedLocalStack.get().kafkaBootstrap()))) {
      long committed = -1;
      Instant until = Instant.now().plus(Duration.ofSeconds(20));
      while (Instant.now().isBefore(until)) {
        var offsets = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
        committed = offsets.get(tp) == null ? -1 : offsets.get(tp).offset();
        if (committed > offset) {
          return;
        }
        Thread.sleep(250);
      }
      throw new AssertionError(
          "group "
              + group
              + " committed "
              + committed
              + " on "
              + tp
              + ", not past the"
              + " dead-lettered record "
              + offset);
    }
  }

  /** The consumer group of the service's incoming channel on {@code topic}. */
  private static String groupReading(String topic) {
    var config = org.eclipse.microprofile.config.ConfigProvider.getConfig();
    for (String name : config.getPropertyNames()) {
      if (name.startsWith("mp.messaging.incoming.")
          && name.endsWith(".topic")
          && topic.equals(config.getOptionalValue(name, String.class).orElse(""))) {
        String group = name.substring(0, name.length() - "topic".length()) + "group.id";
        return config.getValue(group, String.class);
      }
    }
    throw new AssertionError("no incoming channel reads " + topic);
  }

  /**
   * Every producer waits for all in-sync replicas and is idempotent: an event the service was told
   * is sent survives a broker failover, and a retried send is written once. (SmallRye's default is
   * {@code acks=1}, which turns Kafka's idempotence off.)
   */
  @Test
  void everyProducerWaitsForAllReplicasAndIsIdempotent() {
    var clients =
        io.quarkus.arc.Arc.container()
            .instance(io.smallrye.reactive.messaging.kafka.KafkaClientService.class)
            .get();
    java.util.Set<String> channels = clients.getProducerChannels();
    assertTrue(!channels.isEmpty(), "the service sends events");
    for (String channel : channels) {
      java.util.Map<String, ?> config = clients.getProducer(channel).configuration();
      assertEquals("all", String.valueOf(config.get("acks")), channel + ": acks");
      assertEquals(
          "true", String.valueOf(config.get("enable.idempotence")), channel + ": idempotence");
    }
  }

  @Test
  void exposesPrometheusMetrics() throws Exception {
    HttpResponse<String> response = get("q/metrics");
    assertEquals(200, response.statusCode());
    assertTrue(
        response.body().contains("# TYPE jvm_memory_used_bytes gauge"),
        "no JVM metrics in /q/metrics");
    assertTrue(response.body().contains("http_server_"), "no HTTP server metrics in /q/metrics");
    assertTrue(
        response.body().contains("cft_kafka_consumer_lag{group="),
        "no consumer lag of the service's Kafka inputs in /q/metrics");
  }

  /** The service's own port, the one a public route may reach, shows neither. */
  @Test
  void healthAndMetricsAreNotOnTheServicesOwnPort() throws Exception {
    URI management = LocalStackResource.management("/");
    assertTrue(service.getPort() != management.getPort(), service + " vs " + management);
    for (String path : new String[] {"q/metrics", "q/health/ready", "q/health/live"}) {
      HttpRequest request =
          HttpRequest.newBuilder(service.resolve(path)).timeout(Duration.ofSeconds(20)).build();
      assertEquals(
          404,
          http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode(),
          service.resolve(path).toString());
    }
  }

  /** A part of the stack that can be started again. */
  @FunctionalInterface
  protected interface Restart {
    void start() throws Exception;
  }

  /**
   * Whether the broker and the store gate readiness (a stage cannot work without them); a service
   * that works on without them stays ready and reports the outage in the check's data.
   */
  protected boolean dependenciesGateReadiness() {
    return true;
  }

  /**
   * Stops one part: readiness must turn DOWN naming it while the other check stays UP (or, where
   * the dependencies do not gate readiness, stay UP with the outage in the part's check), and be UP
   * again once the part is back.
   */
  protected void assertNotReadyDuringOutage(
      Runnable stop, Restart restart, String stopped, String untouched) throws Exception {
    stop.run();
    try {
      if (dependenciesGateReadiness()) {
        String body = awaitReadiness(503);
        assertCheck(body, stopped, "DOWN");
        assertCheck(body, untouched, "UP");
      } else {
        awaitReadinessBody(200, outage(stopped));
      }
    } finally {
      restart.start();
    }
    assertCheck(awaitReadiness(200), stopped, "UP");
    if (!dependenciesGateReadiness()) {
      awaitReadinessBody(200, body -> !outage(stopped).test(body));
    }
  }

  private static java.util.function.Predicate<String> outage(String nameFragment) {
    Pattern check =
        Pattern.compile(
            "\\{\"name\":\"[^\"]*"
                + Pattern.quote(nameFragment)
                + "[^\"]*\",\"status\":\"UP\",\"data\":\\{[^}]*\"outage\"");
    return body -> check.matcher(body).find();
  }

  /** Polls /q/health/ready until it answers {@code status} with a body {@code test} accepts. */
  private String awaitReadinessBody(int status, java.util.function.Predicate<String> test)
      throws Exception {
    Instant deadline = Instant.now().plus(WAIT);
    String body = null;
    while (Instant.now().isBefore(deadline)) {
      body = awaitReadiness(status);
      if (test.test(body)) {
        return body;
      }
      Thread.sleep(250);
    }
    throw new AssertionError("readiness never showed the expected checks; last: " + body);
  }

  /** Polls /q/health/ready until it answers {@code status}; returns the body, spaces removed. */
  protected String awaitReadiness(int status) throws Exception {
    Instant deadline = Instant.now().plus(WAIT);
    HttpResponse<String> last = null;
    while (Instant.now().isBefore(deadline)) {
      last = get("q/health/ready");
      if (last.statusCode() == status) {
        return last.body().replaceAll("\\s", "");
      }
      Thread.sleep(250);
    }
    throw new TimeoutException(
        "readiness never answered "
            + status
            + " within "
            + WAIT.toSeconds()
            + " s; last answer: "
            + (last == null ? "none" : last.statusCode() + " " + last.body()));
  }

  /** Asserts that a check whose name contains {@code nameFragment} reports {@code status}. */
  protected static void assertCheck(String compactBody, String nameFragment, String status) {
    Pattern check =
        Pattern.compile(
            "\\{\"name\":\"[^\"]*"
                + Pattern.quote(nameFragment)
                + "[^\"]*\",\"status\":\""
                + status
                + "\"");
    assertTrue(
        check.matcher(compactBody).find(),
        "expected a readiness check named *" + nameFragment + "* " + status + " in " + compactBody);
  }

  private HttpResponse<String> get(String path) throws IOException, InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(LocalStackResource.management(path))
            .timeout(Duration.ofSeconds(20))
            .GET()
            .build();
    return http.send(request, HttpResponse.BodyHandlers.ofString());
  }
}
