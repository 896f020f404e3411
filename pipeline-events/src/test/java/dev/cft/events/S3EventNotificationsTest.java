package dev.cft.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class S3EventNotificationsTest {

  /** MinIO's notify_kafka payload; see src/test/resources/s3/README.md for its origin. */
  private static ObjectNode minio() {
    return Golden.resourceTree("/s3/minio-put.json");
  }

  private static ObjectNode firstRecord(ObjectNode notification) {
    return (ObjectNode) notification.get("Records").get(0);
  }

  private static ObjectNode object(ObjectNode record) {
    return (ObjectNode) record.get("s3").get("object");
  }

  private static List<ObjectLanded> parse(JsonNode notification) {
    return S3EventNotifications.parse(notification.toString());
  }

  private static IllegalArgumentException rejected(JsonNode notification) {
    return assertThrows(IllegalArgumentException.class, () -> parse(notification));
  }

  @Test
  void minioSampleBecomesTheGoldenObjectLanded() {
    List<ObjectLanded> landed = parse(minio());

    assertEquals(List.of(Golden.event(ObjectLanded.class)), landed);
    assertEquals("legal/contracts 2025.jsonl", landed.get(0).key());
  }

  @Test
  void awsFormatWithoutTopLevelFieldsParses() {
    byte[] aws =
        Golden.resourceTree("/s3/aws-put.json").toString().getBytes(StandardCharsets.UTF_8);

    ObjectLanded landed = S3EventNotifications.parse(aws).get(0);

    assertEquals("cft-ingest", landed.bucket());
    assertEquals("support/tickets/march export.csv", landed.key());
    assertEquals("support", landed.domain());
    assertEquals(1024, landed.size());
    assertEquals("ObjectCreated:Put", landed.eventName());
    assertEquals("0055AED6DCD90281E5", landed.sequencer());
    assertEquals(Instant.parse("2025-03-01T10:20:00.123Z"), landed.occurredAt());
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "legal%2Fa+b.jsonl | legal/a b.jsonl | legal",
        "legal%2Fa%2Bb.jsonl | legal/a+b.jsonl | legal",
        "legal%2F%C3%BCbung+%E6%97%A5%E6%9C%AC.jsonl | legal/übung 日本.jsonl | legal",
        "legal%2Fsub%2Fdir%2Fx.txt.gz | legal/sub/dir/x.txt.gz | legal",
        "medical+notes%2Fx.csv | medical notes/x.csv | medical notes",
        "legal/plain.txt | legal/plain.txt | legal",
      })
  void keysAreUrlDecoded(String encoded, String key, String domain) {
    ObjectNode notification = minio();
    object(firstRecord(notification)).put("key", encoded);

    ObjectLanded landed = parse(notification).get(0);

    assertEquals(key, landed.key());
    assertEquals(domain, landed.domain());
  }

  @ParameterizedTest(name = "eTag {0}")
  @ValueSource(strings = {"absent", ""})
  void objectWithoutETagParses(String eTag) {
    ObjectNode notification = minio();
    if (eTag.equals("absent")) {
      object(firstRecord(notification)).remove("eTag");
    } else {
      object(firstRecord(notification)).put("eTag", eTag);
    }

    ObjectLanded landed = parse(notification).get(0);

    assertNull(landed.eTag());
    assertEquals(
        ObjectLanded.idOf("ingest", "legal/contracts 2025.jsonl", 48213, null, "17F1A2B3C4D5E6F7"),
        landed.eventId());
  }

  @Test
  void everyCreationRecordIsReturnedInOrder() {
    ObjectNode notification = minio();
    ArrayNode records = (ArrayNode) notification.get("Records");
    ObjectNode removal = firstRecord(notification).deepCopy();
    removal.put("eventName", "s3:ObjectRemoved:Delete");
    ObjectNode second = firstRecord(notification).deepCopy();
    object(second).put("key", "medical%2Fnotes.txt").put("size", 7);
    records.add(removal).add(second);

    List<ObjectLanded> landed = parse(notification);

    assertEquals(
        List.of("legal/contracts 2025.jsonl", "medical/notes.txt"),
        landed.stream().map(ObjectLanded::key).toList());
    assertEquals(List.of("legal", "medical"), landed.stream().map(ObjectLanded::domain).toList());
    assertEquals(7, landed.get(1).size());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "s3:ObjectCreated:Put",
        "s3:ObjectCreated:Post",
        "s3:ObjectCreated:Copy",
        "s3:ObjectCreated:CompleteMultipartUpload",
        "ObjectCreated:Put"
      })
  void creationEventsProduceObjectLanded(String eventName) {
    ObjectNode notification = minio();
    firstRecord(notification).put("eventName", eventName);

    assertEquals(eventName, parse(notification).get(0).eventName());
  }

  /** A delete carries no size or eTag; it must be skipped before those are looked for. */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "s3:ObjectRemoved:Delete",
        "s3:ObjectRemoved:DeleteMarkerCreated",
        "s3:ObjectAccessed:Get",
        "ObjectRemoved:Delete"
      })
  void otherEventsAreIgnored(String eventName) {
    ObjectNode notification = minio();
    firstRecord(notification).put("eventName", eventName);
    object(firstRecord(notification)).remove(List.of("size", "eTag"));

    assertEquals(List.of(), parse(notification));
  }

  @Test
  void awsTestEventIsIgnored() {
    String testEvent =
        "{\"Service\":\"Amazon S3\",\"Event\":\"s3:TestEvent\",\"Time\":\"2025-03-01T10:00:00.000Z\","
            + "\"Bucket\":\"cft-ingest\",\"RequestId\":\"5582815E1AEA5ADF\"}";

    assertEquals(List.of(), S3EventNotifications.parse(testEvent));
  }

  @Test
  void folderPlaceholderIsIgnored() {
    ObjectNode notification = minio();
    object(firstRecord(notification)).put("key", "legal%2F").put("size", 0);

    assertEquals(List.of(), parse(notification));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"not json", "{\"Records\": [", "", "[]", "\"Records\"", "{}", "{\"Records\": {}}"})
  void malformedNotificationIsRejected(String json) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> S3EventNotifications.parse(json));

    assertTrue(e.getMessage().startsWith("S3 event notification "), e.getMessage());
  }

  /** The broken record is the second one, so the message must point at index 1. */
  @ParameterizedTest(name = "without {0}")
  @CsvSource({
    "s3.bucket.name, /s3/bucket, name",
    "s3.object.key, /s3/object, key",
    "s3.object.size, /s3/object, size",
    "eventName, '', eventName",
  })
  void missingFieldIsNamedWithItsRecordIndex(String field, String parent, String name) {
    ObjectNode notification = minio();
    ArrayNode records = (ArrayNode) notification.get("Records");
    ObjectNode broken = firstRecord(notification).deepCopy();
    ((ObjectNode) broken.at(parent)).remove(name);
    records.add(broken);

    IllegalArgumentException e = rejected(notification);

    assertTrue(
        e.getMessage().startsWith("S3 event notification Records[1]: " + field), e.getMessage());
  }

  @Test
  void blankBucketNameCountsAsMissing() {
    ObjectNode notification = minio();
    ((ObjectNode) firstRecord(notification).at("/s3/bucket")).put("name", "");

    assertEquals(
        "S3 event notification Records[0]: s3.bucket.name is missing",
        rejected(notification).getMessage());
  }

  @Test
  void objectAtBucketRootIsRejected() {
    ObjectNode notification = minio();
    object(firstRecord(notification)).put("key", "contracts.jsonl");

    String message = rejected(notification).getMessage();

    assertEquals(
        "S3 event notification Records[0]: object key 'contracts.jsonl' has no domain segment:"
            + " expected <domain>/<name>",
        message);
  }

  @ParameterizedTest(name = "{0}: {3}")
  @CsvSource({
    "s3.object.key, /s3/object, key, legal%2Fbad%zz.txt",
    "eventTime, '', eventTime, yesterday",
  })
  void undecodableValueIsRejected(String field, String parent, String name, String value) {
    ObjectNode notification = minio();
    ((ObjectNode) firstRecord(notification).at(parent)).put(name, value);

    String message = rejected(notification).getMessage();

    assertTrue(message.startsWith("S3 event notification Records[0]: " + field), message);
  }

  @Test
  void missingEventTimeFallsBackToNow() {
    ObjectNode notification = minio();
    firstRecord(notification).remove("eventTime");
    Instant before = Instant.now();

    Instant occurredAt = parse(notification).get(0).occurredAt();

    assertTrue(
        !occurredAt.isBefore(before) && occurredAt.isBefore(before.plus(Duration.ofMinutes(1))));
  }

  @Test
  void aScannedObjectReadsBackAsTheSameObjectLanded() {
    java.time.Instant at = java.time.Instant.parse("2026-11-23T10:00:00Z");
    String key = "support desk/sub dir/données + more.jsonl";
    List<ObjectLanded> read =
        S3EventNotifications.parse(
            S3EventNotifications.scanned("ingest", key, 42, null, "mtime:123", at));
    assertEquals(
        List.of(ObjectLanded.of("ingest", key, 42, null, ObjectLanded.SCANNED, "mtime:123", at)),
        read);
    assertEquals("support desk", read.get(0).domain());
    assertEquals(
        ObjectLanded.of("ingest", "d/x.csv", 7, "abc", "s3:ObjectCreated:Put", null, at).eventId(),
        S3EventNotifications.parse(
                S3EventNotifications.scanned("ingest", "d/x.csv", 7, "abc", null, at))
            .get(0)
            .eventId(),
        "a notification and the scan of one object version share the id");
  }
}
