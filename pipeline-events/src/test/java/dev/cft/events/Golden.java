package dev.cft.events;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The golden payloads under {@code src/test/resources/golden/}, one per event type. */
public final class Golden {

  public static final List<Class<? extends PipelineEvent>> TYPES =
      List.of(
          ObjectLanded.class,
          DatasetReady.class,
          IngestRejected.class,
          TrainingJobEvent.class,
          TrainingProgress.class,
          CandidateReady.class,
          EvaluationCompleted.class,
          ModelPromoted.class,
          FineTuningRequested.class,
          TrainingCancelRequested.class);

  /** Fields that may be absent; every other field of a golden is required. */
  public static final Map<Class<? extends PipelineEvent>, Set<String>> OPTIONAL_FIELDS =
      Map.of(
          ObjectLanded.class, Set.of("eTag", "sequencer"),
          DatasetReady.class, Set.of("parentVersion", "fineTuning"),
          IngestRejected.class, Set.of(),
          TrainingJobEvent.class, Set.of("workerId", "step", "checkpointKey", "message"),
          TrainingProgress.class, Set.of("valLoss"),
          CandidateReady.class, Set.of("parentModelVersion"),
          EvaluationCompleted.class, Set.of("productionVersion", "productionMetrics", "promotion"),
          ModelPromoted.class, Set.of("previousVersion", "reason"),
          FineTuningRequested.class, Set.of("validation"),
          TrainingCancelRequested.class, Set.of());

  private static final ObjectMapper JSON = EventJson.mapper();

  private Golden() {}

  /** A fresh, modifiable tree of the golden payload for {@code type}. */
  public static ObjectNode tree(Class<?> type) {
    return resourceTree(path(type));
  }

  public static byte[] bytes(Class<?> type) {
    return readResource(path(type));
  }

  public static <T> T event(Class<T> type) {
    return EventJson.fromBytes(bytes(type), type);
  }

  public static ObjectNode resourceTree(String path) {
    try {
      return (ObjectNode) JSON.readTree(readResource(path));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String path(Class<?> type) {
    return "/golden/" + type.getSimpleName() + ".json";
  }

  private static byte[] readResource(String path) {
    try (InputStream in = Golden.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("missing test resource " + path);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
