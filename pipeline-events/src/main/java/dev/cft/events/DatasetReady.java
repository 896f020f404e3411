package dev.cft.events;

import java.time.Instant;
import java.util.List;

/**
 * A new immutable dataset version is complete in the datasets bucket; train on it.
 *
 * @param prefix the version's folder, {@code <domain>/v<N>/}; train, val and manifest files sit
 *     directly under it
 * @param contentSha256 hash of the normalized examples: equal content means equal dataset
 * @param sourceKeys ingest keys whose examples went into this version
 * @param parentVersion the version this one extends; null for a domain's first
 * @param fineTuning what the API job that made this version asks of its training; null for a
 *     version made from dropped files
 */
public record DatasetReady(
    String eventId,
    String correlationId,
    String domain,
    Instant occurredAt,
    int datasetVersion,
    String bucket,
    String prefix,
    String manifestKey,
    long trainExamples,
    long valExamples,
    long tokenCount,
    String contentSha256,
    List<String> sourceKeys,
    Integer parentVersion,
    FineTuning fineTuning)
    implements PipelineEvent {

  public static final String TRAIN_FILE = "train.jsonl";
  public static final String VAL_FILE = "val.jsonl";
  public static final String MANIFEST_FILE = "manifest.json";

  public DatasetReady {
    Require.envelope(DatasetReady.class, eventId, correlationId, domain, occurredAt);
    Require.nonNegative(DatasetReady.class, "datasetVersion", datasetVersion);
    Require.text(DatasetReady.class, "bucket", bucket);
    Require.text(DatasetReady.class, "prefix", prefix);
    Require.text(DatasetReady.class, "manifestKey", manifestKey);
    Require.nonNegative(DatasetReady.class, "trainExamples", trainExamples);
    Require.nonNegative(DatasetReady.class, "valExamples", valExamples);
    Require.nonNegative(DatasetReady.class, "tokenCount", tokenCount);
    Require.text(DatasetReady.class, "contentSha256", contentSha256);
    sourceKeys = Require.list(DatasetReady.class, "sourceKeys", sourceKeys);
  }

  /**
   * Where a dataset version's files are: {@code <domain>/v<N>/}. A version is finished once its
   * {@link #MANIFEST_FILE} is there; the folder of an unfinished one may hold some of its files.
   */
  public static String versionPrefix(String domain, int version) {
    return domain + "/v" + version + "/";
  }

  public String trainKey() {
    return under(TRAIN_FILE);
  }

  public String valKey() {
    return under(VAL_FILE);
  }

  private String under(String file) {
    return prefix.endsWith("/") ? prefix + file : prefix + "/" + file;
  }
}
