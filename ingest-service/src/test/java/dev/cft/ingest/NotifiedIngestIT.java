package dev.cft.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cft.events.DatasetReady;
import dev.cft.events.ObjectLanded;
import dev.cft.events.Topics;
import dev.cft.runtime.store.ObjectStore;
import dev.cft.stack.test.LocalStackResource;
import dev.cft.stack.test.SharedLocalStack;
import dev.cft.stack.test.TestEvents;
import dev.cft.stack.test.TopicWatcher;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * With the scan off: an S3 notification exactly as MinIO's {@code notify_kafka} publishes it is
 * enough to ingest an object, and a notification nobody can read goes to the DLQ without stopping
 * the ones after it.
 */
@QuarkusTest
@TestProfile(NotifiedIngestIT.ScanOff.class)
@WithTestResource(LocalStackResource.class)
class NotifiedIngestIT {
  public static class ScanOff implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      // A group of its own: the previous application's member may still hold the partitions
      // for a session time-out after the broker restarts of the health contract.
      return Map.of(
          "cft.ingest.scan-delay", "1h",
          "mp.messaging.incoming.ingest-objects.group.id", "ingest-service-notified");
    }
  }

  @Inject ObjectStore store;

  static String minioNotification(String bucket, String key, long size, String eTag) {
    String encoded = java.net.URLEncoder.encode(key, StandardCharsets.UTF_8);
    return """
        {"EventName":"s3:ObjectCreated:Put","Key":"%s/%s","Records":[{"eventVersion":"2.0",\
        "eventSource":"minio:s3","awsRegion":"","eventTime":"2026-11-23T10:00:00.000Z",\
        "eventName":"s3:ObjectCreated:Put","userIdentity":{"principalId":"minio"},\
        "requestParameters":{"principalId":"minio","region":"","sourceIPAddress":"127.0.0.1"},\
        "responseElements":{"x-amz-id-2":"dd9025ba","x-amz-request-id":"1790FC7B5E2D4E4B"},\
        "s3":{"s3SchemaVersion":"1.0","configurationId":"Config",\
        "bucket":{"name":"%s","ownerIdentity":{"principalId":"minio"},"arn":"arn:aws:s3:::%s"},\
        "object":{"key":"%s","size":%d,"eTag":"%s","contentType":"application/x-ndjson",\
        "userMetadata":{"content-type":"application/x-ndjson"},"sequencer":"1790FC7B5F3B9C6A"}},\
        "source":{"host":"127.0.0.1","port":"","userAgent":"MinIO (linux; amd64) minio-go/v7.0.70"}}]}
        """
        .formatted(bucket, key, bucket, bucket, encoded, size, eTag);
  }

  @Test
  void aMinioNotificationIngestsItsObjectAndAPoisonOneIsSetAside() throws Exception {
    String domain = "notified-" + UUID.randomUUID().toString().substring(0, 8);
    String key = domain + "/faq answers.jsonl";
    byte[] content = IngestFlowIT.chats(0, 12).getBytes(StandardCharsets.UTF_8);
    store.write("ingest", key, content, "application/x-ndjson");
    String eTag = store.list("ingest", domain + "/").get(0).eTag();

    try (TopicWatcher ready = new TopicWatcher(Topics.DATASETS_READY);
        TopicWatcher dlq = new TopicWatcher(Topics.dlq(Topics.INGEST_OBJECTS))) {
      TestEvents.publishText(Topics.INGEST_OBJECTS, domain, "{not json");
      TestEvents.publishText(
          Topics.INGEST_OBJECTS,
          "ingest/" + key,
          minioNotification("ingest", key, content.length, eTag));

      DatasetReady event =
          ready.await(DatasetReady.class, e -> e.domain().equals(domain), Duration.ofSeconds(60));
      assertEquals(12, event.trainExamples() + event.valExamples());
      String expectedId =
          ObjectLanded.of(
                  "ingest",
                  key,
                  content.length,
                  eTag,
                  "s3:ObjectCreated:Put",
                  null,
                  java.time.Instant.now())
              .eventId();
      assertEquals(
          expectedId, event.correlationId(), "the chain starts at the notification's object");
      assertTrue(
          dlq.drain(Duration.ofSeconds(3)).stream()
              .anyMatch(r -> new String(r.value(), StandardCharsets.UTF_8).equals("{not json")),
          "the unreadable notification is kept in the DLQ");
    }
  }

  /**
   * The store goes away right after an object's notification: readiness turns DOWN, the service
   * retries with backoff, and once the store is back the object becomes a version; nothing goes to
   * the DLQ.
   */
  @Test
  void anOutageOfTheStoreDelaysAnObjectButLosesNothing() throws Exception {
    String domain = "outage-" + UUID.randomUUID().toString().substring(0, 8);
    String key = domain + "/during-outage.jsonl";
    byte[] content = IngestFlowIT.chats(0, 10).getBytes(StandardCharsets.UTF_8);
    store.write("ingest", key, content, "application/x-ndjson");
    String eTag = store.list("ingest", domain + "/").get(0).eTag();

    try (TopicWatcher ready = new TopicWatcher(Topics.DATASETS_READY);
        TopicWatcher dlq = new TopicWatcher(Topics.dlq(Topics.INGEST_OBJECTS))) {
      SharedLocalStack.get().stopS3();
      try {
        TestEvents.publishText(
            Topics.INGEST_OBJECTS,
            "ingest/" + key,
            minioNotification("ingest", key, content.length, eTag));
        awaitReadiness(503);
        Thread.sleep(3000); // the object's processing is retrying meanwhile
      } finally {
        SharedLocalStack.get().startS3();
      }
      DatasetReady event =
          ready.await(DatasetReady.class, e -> e.domain().equals(domain), Duration.ofSeconds(90));
      assertEquals(10, event.trainExamples() + event.valExamples());
      assertTrue(
          dlq.drain(Duration.ofSeconds(2)).stream()
              .noneMatch(r -> new String(r.value(), StandardCharsets.UTF_8).contains(domain)),
          "nothing of it in the DLQ");
      awaitReadiness(200);
    }
  }

  private void awaitReadiness(int status) throws Exception {
    java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
    long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    int last = -1;
    while (System.nanoTime() < until) {
      last =
          http.send(
                  java.net.http.HttpRequest.newBuilder(
                          dev.cft.stack.test.LocalStackResource.management("q/health/ready"))
                      .build(),
                  java.net.http.HttpResponse.BodyHandlers.discarding())
              .statusCode();
      if (last == status) {
        return;
      }
      Thread.sleep(250);
    }
    throw new AssertionError("readiness stayed " + last + ", expected " + status);
  }
}
