package dev.cft.events;

import java.time.Instant;

/**
 * An object arrived in the ingest bucket, seen through an S3 notification or the reconciliation
 * scan. The start of every chain: its {@code eventId} is the {@code correlationId} of all that
 * follows. Build it with {@link #of}, which derives the id, correlation and domain.
 *
 * @param key decoded object key, {@code <domain>/<name>}
 * @param eTag null when the store reports none (files copied into the embedded S3 server's
 *     directory)
 * @param eventName the S3 event name, e.g. {@code s3:ObjectCreated:Put}, or {@link #SCANNED}
 * @param sequencer S3's per-key ordering token; null when the object was found by the scan
 */
public record ObjectLanded(
    String eventId,
    String correlationId,
    String domain,
    Instant occurredAt,
    String bucket,
    String key,
    long size,
    String eTag,
    String eventName,
    String sequencer)
    implements PipelineEvent {

  /**
   * {@link #eventName()} of objects found by the reconciliation scan rather than a notification.
   */
  public static final String SCANNED = "cft:ObjectScanned";

  public ObjectLanded {
    Require.envelope(ObjectLanded.class, eventId, correlationId, domain, occurredAt);
    Require.text(ObjectLanded.class, "bucket", bucket);
    Require.text(ObjectLanded.class, "key", key);
    Require.nonNegative(ObjectLanded.class, "size", size);
    Require.text(ObjectLanded.class, "eventName", eventName);
    if (!correlationId.equals(eventId)) {
      throw new IllegalArgumentException(
          "ObjectLanded.correlationId must equal its eventId: it starts the chain");
    }
    if (!domain.equals(domainOf(key))) {
      throw new IllegalArgumentException(
          "ObjectLanded.domain '" + domain + "' does not match key '" + key + "'");
    }
  }

  public static ObjectLanded of(
      String bucket,
      String key,
      long size,
      String eTag,
      String eventName,
      String sequencer,
      Instant occurredAt) {
    String id = idOf(bucket, key, size, eTag, sequencer);
    return new ObjectLanded(
        id, id, domainOf(key), occurredAt, bucket, key, size, eTag, eventName, sequencer);
  }

  /**
   * Same object version, same id, whichever way it was seen or how often it was delivered. The eTag
   * identifies the content, so it wins over the sequencer: re-uploading identical bytes is not new
   * data. Without either only bucket, key and size remain; the ingest stage's content dedup covers
   * what that misses.
   */
  static String idOf(String bucket, String key, long size, String eTag, String sequencer) {
    String version = eTag != null ? "etag:" + eTag : sequencer != null ? "seq:" + sequencer : "";
    return EventIds.deterministic("ObjectLanded", bucket, key, size, version);
  }

  /**
   * The model line an ingest key belongs to: its first path segment. A key at the bucket root has
   * none and cannot be routed, so it is rejected rather than guessed.
   */
  public static String domainOf(String key) {
    int slash = key == null ? -1 : key.indexOf('/');
    if (slash <= 0) {
      throw new IllegalArgumentException(
          "object key '" + key + "' has no domain segment: expected <domain>/<name>");
    }
    return key.substring(0, slash);
  }
}
