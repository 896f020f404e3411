package dev.cft.events.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cft.events.DatasetReady;
import dev.cft.events.EventJson;
import dev.cft.events.Golden;
import dev.cft.events.ObjectLanded;
import dev.cft.events.Topics;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Goes through the Kafka interfaces, with serdes created from class names as SmallRye does. */
class EventSerdeTest {

  private static final String TOPIC = "some.topic";

  /** The class names services put in their SmallRye config; each must exist and fit its type. */
  static Stream<Arguments> deserializers() {
    return Golden.TYPES.stream()
        .map(
            type ->
                Arguments.of(
                    type, "dev.cft.events.serde." + type.getSimpleName() + "Deserializer"));
  }

  private static Deserializer<?> instantiate(String className) throws ReflectiveOperationException {
    return (Deserializer<?>) Class.forName(className).getDeclaredConstructor().newInstance();
  }

  private static Serializer<Object> serializer() throws ReflectiveOperationException {
    @SuppressWarnings("unchecked")
    Serializer<Object> serializer =
        (Serializer<Object>)
            Class.forName("dev.cft.events.serde.EventSerializer")
                .getDeclaredConstructor()
                .newInstance();
    return serializer;
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("deserializers")
  void roundTripThroughKafkaInterfaces(Class<?> type, String deserializerClass) throws Exception {
    Object golden = Golden.event(type);

    byte[] bytes = serializer().serialize(TOPIC, new RecordHeaders(), golden);
    Object read = instantiate(deserializerClass).deserialize(TOPIC, new RecordHeaders(), bytes);

    assertEquals(golden, read);
    assertEquals(type, read.getClass());
    assertEquals(Golden.tree(type), EventJson.mapper().readTree(bytes));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("deserializers")
  void failureNamesTopicAndType(Class<?> type, String deserializerClass) throws Exception {
    Deserializer<?> deserializer = instantiate(deserializerClass);
    byte[] empty = "{}".getBytes(StandardCharsets.UTF_8);

    SerializationException e =
        assertThrows(SerializationException.class, () -> deserializer.deserialize(TOPIC, empty));

    assertTrue(
        e.getMessage().startsWith("Topic some.topic: Cannot read " + type.getSimpleName() + ": "),
        e.getMessage());
  }

  @Test
  void failureNamesTheMissingField() {
    ObjectNode tree = Golden.tree(DatasetReady.class);
    tree.remove("contentSha256");
    byte[] bytes = tree.toString().getBytes(StandardCharsets.UTF_8);

    SerializationException e =
        assertThrows(
            SerializationException.class,
            () -> new DatasetReadyDeserializer().deserialize(Topics.DATASETS_READY, bytes));

    assertEquals(
        "Topic datasets.ready: Cannot read DatasetReady: DatasetReady.contentSha256 is required",
        e.getMessage());
  }

  @Test
  void malformedJsonIsAnErrorNotNull() {
    byte[] garbage = "{\"eventId\":".getBytes(StandardCharsets.UTF_8);

    SerializationException e =
        assertThrows(
            SerializationException.class,
            () -> new DatasetReadyDeserializer().deserialize(Topics.DATASETS_READY, garbage));

    assertTrue(e.getMessage().contains("Cannot read DatasetReady"), e.getMessage());
  }

  /** Null is a Kafka tombstone, not a failure; both directions keep it. */
  @Test
  void tombstonesStayNull() throws Exception {
    assertNull(serializer().serialize(TOPIC, null));
    assertNull(new DatasetReadyDeserializer().deserialize(TOPIC, null));
    assertNull(new S3NotificationDeserializer().deserialize(TOPIC, null));
  }

  @Test
  void s3NotificationDeserializerReadsMinioPayloads() {
    byte[] minio =
        Golden.resourceTree("/s3/minio-put.json").toString().getBytes(StandardCharsets.UTF_8);

    List<ObjectLanded> landed =
        new S3NotificationDeserializer().deserialize(Topics.INGEST_OBJECTS, minio);

    assertEquals(List.of(Golden.event(ObjectLanded.class)), landed);
  }

  @Test
  void s3NotificationDeserializerFailureNamesTheRecord() {
    ObjectNode minio = Golden.resourceTree("/s3/minio-put.json");
    ((ObjectNode) minio.at("/Records/0/s3/bucket")).remove("name");
    byte[] bytes = minio.toString().getBytes(StandardCharsets.UTF_8);

    SerializationException e =
        assertThrows(
            SerializationException.class,
            () -> new S3NotificationDeserializer().deserialize(Topics.INGEST_OBJECTS, bytes));

    assertEquals(
        "Topic ingest.objects: S3 event notification Records[0]: s3.bucket.name is missing",
        e.getMessage());
  }

  @Test
  void aParkedRecordKeepsItsBytesOrItsEvent() {
    DeadLetterSerializer parked = new DeadLetterSerializer();
    byte[] unreadable = "{not json".getBytes(StandardCharsets.UTF_8);
    assertEquals(unreadable, parked.serialize(TOPIC, unreadable), "bytes as they came");
    DatasetReady event = Golden.event(DatasetReady.class);
    assertEquals(event, EventJson.fromBytes(parked.serialize(TOPIC, event), DatasetReady.class));
    assertNull(parked.serialize(TOPIC, null));
  }
}
