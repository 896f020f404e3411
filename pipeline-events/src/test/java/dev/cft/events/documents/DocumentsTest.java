package dev.cft.events.documents;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The store's documents as services wrote them read back and write out unchanged. */
class DocumentsTest {
  static final ObjectMapper JSON = Documents.mapper();

  /** Each record with the golden files that show it. */
  static final Map<Class<?>, List<String>> GOLDENS =
      Map.of(
          ModelAlias.class, List.of("ModelAlias.json"),
          HistoryEntry.class, List.of("HistoryEntry.jsonl", "HistoryEntry-operator.jsonl"),
          ModelCard.class, List.of("ModelCard-api-job.json", "ModelCard-dropped-file.json"),
          EvaluationReport.class,
              List.of(
                  "EvaluationReport-first-model.json", "EvaluationReport-against-production.json"),
          DatasetManifest.class,
              List.of("DatasetManifest-dropped-file.json", "DatasetManifest-api-job.json"),
          IngestLedgerEntry.class,
              List.of(
                  "IngestLedgerEntry-rejected-file.json",
                  "IngestLedgerEntry-api-job.json",
                  "IngestLedgerEntry-rejected-api-job.json"),
          QuarantineReport.class,
              List.of("QuarantineReport-dropped-file.json", "QuarantineReport-api-job.json"),
          JobRecord.class, List.of("JobRecord-dropped-file.json", "JobRecord-api-job.json"),
          JobClaim.class, List.of("JobClaim.json"));

  static Stream<Arguments> documents() {
    List<Arguments> all = new ArrayList<>();
    GOLDENS.forEach(
        (type, files) -> {
          for (String file : files) {
            for (String document : documents(file)) {
              all.add(Arguments.of(type, file, document));
            }
          }
        });
    return all.stream();
  }

  static List<String> documents(String file) {
    try (InputStream in = DocumentsTest.class.getResourceAsStream("/documents/" + file)) {
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      return file.endsWith(".jsonl")
          ? Arrays.stream(text.split("\n")).filter(l -> !l.isBlank()).toList()
          : List.of(text);
    } catch (IOException | NullPointerException e) {
      throw new IllegalStateException("missing golden " + file, e);
    }
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("documents")
  void readsAndWritesBackUnchanged(Class<?> type, String file, String document) throws IOException {
    Object read = Documents.read(document, type, file);
    JsonNode written = JSON.readTree(Documents.write(read));
    assertEquals(JSON.readTree(document), written, file);
    assertEquals(JSON.readTree(document), JSON.readTree(Documents.line(read)), file);
  }

  @Test
  void everyFieldOfEveryRecordIsInSomeGolden() throws IOException {
    for (var entry : GOLDENS.entrySet()) {
      Set<String> seen = new TreeSet<>();
      for (String file : entry.getValue()) {
        for (String document : documents(file)) {
          collect(JSON.readTree(document), "", seen);
        }
      }
      Set<String> missing = new TreeSet<>();
      components(entry.getKey(), "", missing);
      missing.removeAll(seen);
      assertTrue(missing.isEmpty(), entry.getKey().getSimpleName() + " goldens lack " + missing);
    }
  }

  @Test
  void fieldsFromANewerWriterAreIgnored() throws IOException {
    String golden = documents("ModelAlias.json").get(0);
    ObjectNode newer = (ObjectNode) JSON.readTree(golden);
    newer.put("approvedBy", "key-1234");
    assertEquals(
        Documents.read(golden, ModelAlias.class, "golden"),
        Documents.read(newer.toString(), ModelAlias.class, "newer"));
  }

  @Test
  void anUnreadableDocumentIsNamedWithWhereItIs() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                Documents.read(
                    "{\"version\": [", ModelAlias.class, "s3://models/x/aliases/p.json"));
    assertTrue(
        e.getMessage().startsWith("s3://models/x/aliases/p.json is not a readable ModelAlias"),
        e.getMessage());
  }

  /** Every field path of {@code type}'s records: {@code lineage.datasetVersion}, ... */
  private static void components(Class<?> type, String prefix, Set<String> out) {
    for (var component : type.getRecordComponents()) {
      String name = jsonName(component);
      out.add(prefix + name);
      Class<?> inner = component.getType();
      if (inner.isRecord() && inner.getPackage().equals(type.getPackage())) {
        components(inner, prefix + name + ".", out);
      }
    }
  }

  private static String jsonName(java.lang.reflect.RecordComponent component) {
    var property = component.getAccessor().getDeclaringClass();
    for (var field : property.getDeclaredFields()) {
      if (field.getName().equals(component.getName())) {
        var json = field.getAnnotation(com.fasterxml.jackson.annotation.JsonProperty.class);
        if (json == null) {
          json = component.getAnnotation(com.fasterxml.jackson.annotation.JsonProperty.class);
        }
        return json != null ? json.value() : component.getName();
      }
    }
    return component.getName();
  }

  private static void collect(JsonNode node, String prefix, Set<String> out) {
    if (node.isObject()) {
      node.fields()
          .forEachRemaining(
              f -> {
                out.add(prefix + f.getKey());
                collect(f.getValue(), prefix + f.getKey() + ".", out);
              });
    } else if (node.isArray()) {
      node.forEach(element -> collect(element, prefix, out));
    }
  }
}
