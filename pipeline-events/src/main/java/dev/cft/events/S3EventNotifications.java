package dev.cft.events;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads S3 event notifications into {@link ObjectLanded} events: MinIO's {@code notify_kafka}
 * payload ({@code EventName}, {@code Key}, {@code Records}) and AWS's ({@code Records} only). Only
 * the {@code Records} are read; MinIO's top-level fields repeat them and AWS has none.
 */
public final class S3EventNotifications {

  private static final String S3_PREFIX = "s3:";
  private static final String OBJECT_CREATED = "ObjectCreated:";
  // AWS publishes it once when a notification is configured; it has no Records.
  private static final String TEST_EVENT = "s3:TestEvent";

  private S3EventNotifications() {}

  /**
   * A notification, in the AWS record format, for an object the reconciliation scan found: it goes
   * down the same topic and code path as the store's own notifications.
   *
   * @param eTag may be null (an object copied straight into a filesystem-backed store); then {@code
   *     sequencer} should tell versions apart, e.g. from the last-modified time
   */
  public static String scanned(
      String bucket, String key, long size, String eTag, String sequencer, Instant occurredAt) {
    ObjectNode object = EventJson.mapper().createObjectNode();
    object.put("key", URLEncoder.encode(key, StandardCharsets.UTF_8)).put("size", size);
    if (eTag != null) {
      object.put("eTag", eTag);
    }
    if (sequencer != null) {
      object.put("sequencer", sequencer);
    }
    ObjectNode record = EventJson.mapper().createObjectNode();
    record.put("eventName", ObjectLanded.SCANNED).put("eventTime", occurredAt.toString());
    record.putObject("s3").set("object", object);
    ((ObjectNode) record.get("s3")).putObject("bucket").put("name", bucket);
    ObjectNode root = EventJson.mapper().createObjectNode();
    root.putArray("Records").add(record);
    return root.toString();
  }

  public static List<ObjectLanded> parse(String json) {
    return parse(json.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * @return one event per object created; empty for removals, accesses and test events, which carry
   *     no new data
   * @throws IllegalArgumentException when the notification is not JSON or a creation record lacks
   *     what an {@link ObjectLanded} needs; the message names the record index and field
   */
  public static List<ObjectLanded> parse(byte[] json) {
    JsonNode root = readObject(json);
    JsonNode records = root.path("Records");
    if (records.isMissingNode() && TEST_EVENT.equals(root.path("Event").asText())) {
      return List.of();
    }
    if (!records.isArray()) {
      throw invalid("has no Records array");
    }
    List<ObjectLanded> landed = new ArrayList<>();
    for (int i = 0; i < records.size(); i++) {
      toObjectLanded(records.get(i), i).ifPresent(landed::add);
    }
    return List.copyOf(landed);
  }

  private static JsonNode readObject(byte[] json) {
    JsonNode root;
    try {
      root = EventJson.readTree(json);
    } catch (IOException e) {
      throw invalid("is not valid JSON: " + EventJson.describe(e));
    }
    if (root == null || !root.isObject()) {
      throw invalid("is not a JSON object");
    }
    return root;
  }

  private static Optional<ObjectLanded> toObjectLanded(JsonNode record, int index) {
    String eventName = required(record, index, "eventName");
    if (!isObjectCreated(eventName)) {
      return Optional.empty();
    }
    String bucket = required(record, index, "s3.bucket.name");
    String key = decodeKey(required(record, index, "s3.object.key"), index);
    if (key.endsWith("/")) {
      // A "folder" placeholder (consoles create them): no data to ingest.
      return Optional.empty();
    }
    long size = size(record, index);
    Instant occurredAt = eventTime(record, index);
    String eTag = optional(record, "s3.object.eTag");
    String sequencer = optional(record, "s3.object.sequencer");
    try {
      return Optional.of(
          ObjectLanded.of(bucket, key, size, eTag, eventName, sequencer, occurredAt));
    } catch (IllegalArgumentException e) {
      // The key has no domain segment: say which record.
      throw invalid(index, e.getMessage());
    }
  }

  /** MinIO prefixes event names with {@code s3:}, AWS does not. */
  private static boolean isObjectCreated(String eventName) {
    if (eventName.equals(ObjectLanded.SCANNED)) {
      return true;
    }
    String name =
        eventName.startsWith(S3_PREFIX) ? eventName.substring(S3_PREFIX.length()) : eventName;
    return name.startsWith(OBJECT_CREATED);
  }

  /** Keys arrive form-encoded ({@code +} is a space, {@code %2F} a slash) in both formats. */
  private static String decodeKey(String encoded, int index) {
    try {
      return URLDecoder.decode(encoded, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw invalid(index, "s3.object.key '" + encoded + "' is not URL-encoded: " + e.getMessage());
    }
  }

  private static long size(JsonNode record, int index) {
    JsonNode size = at(record, "s3.object.size");
    if (!size.isIntegralNumber()) {
      throw invalid(index, "s3.object.size is missing or not an integer");
    }
    return size.asLong();
  }

  /** Falls back to the time of reading: the event is still worth processing without it. */
  private static Instant eventTime(JsonNode record, int index) {
    String time = optional(record, "eventTime");
    if (time == null) {
      return Instant.now();
    }
    try {
      return Instant.parse(time);
    } catch (DateTimeParseException e) {
      throw invalid(index, "eventTime '" + time + "' is not an ISO-8601 instant");
    }
  }

  private static String required(JsonNode record, int index, String path) {
    String value = optional(record, path);
    if (value == null) {
      throw invalid(index, path + " is missing");
    }
    return value;
  }

  /** Blank counts as absent: stores send {@code ""} for values they do not have. */
  private static String optional(JsonNode record, String path) {
    JsonNode value = at(record, path);
    return value.isTextual() && !value.asText().isBlank() ? value.asText() : null;
  }

  private static JsonNode at(JsonNode record, String dottedPath) {
    return record.at(JsonPointer.compile("/" + dottedPath.replace('.', '/')));
  }

  private static IllegalArgumentException invalid(int index, String problem) {
    return invalid("Records[" + index + "]: " + problem);
  }

  private static IllegalArgumentException invalid(String problem) {
    return new IllegalArgumentException("S3 event notification " + problem);
  }
}
