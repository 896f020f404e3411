package dev.cft.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class ObjectLandedTest {

  private static final Instant AT = Instant.parse("2025-03-01T10:15:30Z");
  private static final String ETAG = "5d41402abc4b2a76b9719d911017c592";
  private static final String SEQ = "17F1A2B3C4D5E6F7";

  private static ObjectLanded landed(
      String bucket, String key, long size, String eTag, String sequencer) {
    return ObjectLanded.of(bucket, key, size, eTag, "s3:ObjectCreated:Put", sequencer, AT);
  }

  /** Pins the id algorithm: services on different releases must derive the same ids. */
  @Test
  void factoryMatchesTheGolden() {
    assertEquals(
        Golden.event(ObjectLanded.class),
        landed("ingest", "legal/contracts 2025.jsonl", 48213, ETAG, SEQ));
  }

  @Test
  void factoryStartsTheChain() {
    ObjectLanded event = landed("ingest", "medical/notes/a.txt", 10, ETAG, SEQ);

    assertEquals(event.eventId(), event.correlationId());
    assertEquals("medical", event.domain());
  }

  @Test
  void redeliveryGivesTheSameId() {
    ObjectLanded first = landed("ingest", "legal/a.jsonl", 10, ETAG, SEQ);
    ObjectLanded again =
        ObjectLanded.of(
            "ingest", "legal/a.jsonl", 10, ETAG, "s3:ObjectCreated:Put", SEQ, AT.plusSeconds(60));

    assertEquals(first.eventId(), again.eventId());
  }

  /** Seen by a notification (with sequencer) and by the scan (without): one object, one id. */
  @Test
  void eTagWinsOverSequencer() {
    assertEquals(
        landed("ingest", "legal/a.jsonl", 10, ETAG, SEQ).eventId(),
        landed("ingest", "legal/a.jsonl", 10, ETAG, null).eventId());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      nullValues = "null",
      value = {
        "other bucket, quarantine, legal/a.jsonl, 10, " + ETAG + ", " + SEQ,
        "other key,    ingest,     legal/b.jsonl, 10, " + ETAG + ", " + SEQ,
        "other size,   ingest,     legal/a.jsonl, 11, " + ETAG + ", " + SEQ,
        "other eTag,   ingest,     legal/a.jsonl, 10, 0cc175b9c0f1b6a831c399e269772661, " + SEQ,
        "no eTag,      ingest,     legal/a.jsonl, 10, null, " + SEQ,
        "nothing,      ingest,     legal/a.jsonl, 10, null, null",
      })
  void differentObjectVersionsGetDifferentIds(
      String change, String bucket, String key, long size, String eTag, String sequencer) {
    assertNotEquals(
        landed("ingest", "legal/a.jsonl", 10, ETAG, SEQ).eventId(),
        landed(bucket, key, size, eTag, sequencer).eventId());
  }

  @Test
  void withoutETagTheSequencerDistinguishesUploads() {
    assertNotEquals(
        landed("ingest", "legal/a.jsonl", 10, null, "AAA").eventId(),
        landed("ingest", "legal/a.jsonl", 10, null, "BBB").eventId());
  }

  @ParameterizedTest
  @CsvSource({
    "legal/a.jsonl, legal",
    "legal/sub/dir/a.jsonl, legal",
    "medical notes/ü.txt, medical notes",
  })
  void domainIsTheFirstPathSegment(String key, String domain) {
    assertEquals(domain, ObjectLanded.domainOf(key));
  }

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(strings = {"a.jsonl", "/legal/a.jsonl"})
  void keyWithoutDomainIsRejected(String key) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ObjectLanded.domainOf(key));

    assertTrue(e.getMessage().contains("no domain segment"), e.getMessage());
  }

  @Test
  void correlationMustBeItsOwnId() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new ObjectLanded(
                    "id-1", "id-0", "legal", AT, "ingest", "legal/a.jsonl", 1, null, "x", null));

    assertTrue(e.getMessage().contains("ObjectLanded.correlationId"), e.getMessage());
  }

  @Test
  void domainMustMatchTheKey() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new ObjectLanded(
                    "id-1", "id-1", "medical", AT, "ingest", "legal/a.jsonl", 1, null, "x", null));

    assertTrue(e.getMessage().contains("ObjectLanded.domain"), e.getMessage());
  }
}
