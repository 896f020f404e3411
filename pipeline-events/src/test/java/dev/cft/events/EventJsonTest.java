package dev.cft.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.time.Instant;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.FieldSource;
import org.junit.jupiter.params.provider.MethodSource;

class EventJsonTest {

  private static final ObjectMapper JSON = EventJson.mapper();
  private static final List<Class<? extends PipelineEvent>> TYPES = Golden.TYPES;

  @ParameterizedTest(name = "{0}")
  @FieldSource("TYPES")
  void goldenRoundTripsUnchanged(Class<? extends PipelineEvent> type) throws IOException {
    PipelineEvent event = EventJson.fromBytes(Golden.bytes(type), type);

    assertEquals(Golden.tree(type), JSON.readTree(EventJson.toBytes(event)));
  }

  @ParameterizedTest(name = "{0}")
  @FieldSource("TYPES")
  void goldenCoversEveryRecordComponent(Class<? extends PipelineEvent> type) {
    Set<String> components =
        Arrays.stream(type.getRecordComponents())
            .map(RecordComponent::getName)
            .collect(Collectors.toCollection(TreeSet::new));

    assertEquals(components, fieldNames(Golden.tree(type)));
  }

  @ParameterizedTest(name = "{0}")
  @FieldSource("TYPES")
  void unknownFieldsAreIgnored(Class<? extends PipelineEvent> type) {
    ObjectNode newer = Golden.tree(type);
    addFieldFromTheFuture(newer);
    // Nested records (IngestRejected's errors) must tolerate them too.
    for (JsonNode value : newer) {
      if (value.isArray()) {
        for (JsonNode element : value) {
          if (element.isObject()) {
            addFieldFromTheFuture((ObjectNode) element);
          }
        }
      }
    }

    assertEquals(Golden.event(type), EventJson.fromJson(newer.toString(), type));
  }

  static Stream<Arguments> requiredFields() {
    return fields(false);
  }

  @ParameterizedTest(name = "{0} without {1}")
  @MethodSource("requiredFields")
  void missingRequiredFieldIsRejectedNamingIt(Class<?> type, String field) {
    ObjectNode tree = Golden.tree(type);
    tree.remove(field);

    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> EventJson.fromJson(tree.toString(), type));
    assertTrue(
        e.getMessage().contains(type.getSimpleName() + "." + field),
        () -> "message should name " + field + ": " + e.getMessage());
  }

  @ParameterizedTest(name = "{0} with {1}: null")
  @MethodSource("requiredFields")
  void explicitNullInRequiredFieldIsRejected(Class<?> type, String field) {
    ObjectNode tree = Golden.tree(type);
    tree.putNull(field);

    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> EventJson.fromJson(tree.toString(), type));
    assertTrue(e.getMessage().contains(field), e.getMessage());
  }

  static Stream<Arguments> optionalFields() {
    return fields(true);
  }

  /** Also shows that nulls are left out on write: the output has no trace of the field. */
  @ParameterizedTest(name = "{0} without {1}")
  @MethodSource("optionalFields")
  void optionalFieldMayBeAbsentAndStaysAbsent(Class<?> type, String field) throws IOException {
    ObjectNode tree = Golden.tree(type);
    tree.remove(field);

    Object event = EventJson.fromJson(tree.toString(), type);

    assertEquals(tree, JSON.readTree(EventJson.toBytes(event)));
  }

  @Test
  void instantsAreIsoStringsWithFullPrecision() throws IOException {
    Instant precise = Instant.parse("2025-03-01T10:15:30.123456789Z");
    ModelPromoted event =
        new ModelPromoted(
            "e-1",
            "c-1",
            "legal",
            precise,
            "v7",
            null,
            ModelPromoted.Action.ROLLED_BACK,
            "models",
            "legal/versions/v7/",
            null);

    JsonNode written = JSON.readTree(EventJson.toBytes(event));

    assertEquals("2025-03-01T10:15:30.123456789Z", written.get("occurredAt").textValue());
    assertEquals("ROLLED_BACK", written.get("action").textValue());
    assertEquals(event, EventJson.fromBytes(EventJson.toBytes(event), ModelPromoted.class));
  }

  /** A diverging run reports NaN loss; that event must survive the trip, not poison the topic. */
  @Test
  void nonFiniteLossRoundTrips() {
    TrainingProgress golden = Golden.event(TrainingProgress.class);
    TrainingProgress diverged =
        new TrainingProgress(
            golden.eventId(),
            golden.correlationId(),
            golden.domain(),
            golden.occurredAt(),
            golden.jobId(),
            golden.step(),
            golden.totalSteps(),
            golden.epoch(),
            Double.NaN,
            Double.POSITIVE_INFINITY,
            golden.tokensPerSecond(),
            golden.learningRate());

    TrainingProgress read =
        EventJson.fromBytes(EventJson.toBytes(diverged), TrainingProgress.class);

    assertTrue(Double.isNaN(read.trainLoss()));
    assertEquals(Double.POSITIVE_INFINITY, read.valLoss());
  }

  @Test
  void malformedJsonNamesTheType() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> EventJson.fromJson("{\"eventId\": ", DatasetReady.class));

    assertTrue(e.getMessage().startsWith("Cannot read DatasetReady: "), e.getMessage());
  }

  @Test
  void trailingGarbageIsRejected() {
    String json = new String(Golden.bytes(CandidateReady.class)) + " {}";

    assertThrows(
        IllegalArgumentException.class, () -> EventJson.fromJson(json, CandidateReady.class));
  }

  @Test
  void nestedErrorPathIsNamed() {
    ObjectNode tree = Golden.tree(IngestRejected.class);
    ((ObjectNode) tree.get("errors").get(0)).put("line", "twelve");

    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> EventJson.fromJson(tree.toString(), IngestRejected.class));
    assertTrue(e.getMessage().contains("IngestRejected.errors[0].line"), e.getMessage());
  }

  @Test
  void mapperCopyDoesNotAffectTheContract() {
    EventJson.mapper().enable(SerializationFeature.INDENT_OUTPUT);

    assertFalse(EventJson.toJson(Golden.event(ModelPromoted.class)).contains("\n"));
  }

  private static Stream<Arguments> fields(boolean optional) {
    return TYPES.stream()
        .flatMap(
            type ->
                fieldNames(Golden.tree(type)).stream()
                    .filter(f -> Golden.OPTIONAL_FIELDS.get(type).contains(f) == optional)
                    .map(f -> Arguments.of(type, f)));
  }

  private static Set<String> fieldNames(JsonNode tree) {
    Set<String> names = new TreeSet<>();
    Iterator<String> it = tree.fieldNames();
    it.forEachRemaining(names::add);
    return names;
  }

  private static void addFieldFromTheFuture(ObjectNode node) {
    ObjectNode added = node.putObject("addedInALaterVersion");
    added.put("note", "old consumers must skip this");
    added.putArray("more").add(1).add("two");
  }
}
