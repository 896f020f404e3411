package dev.cft.events.documents;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;

/**
 * {@code datasets/<domain>/v<N>/manifest.json}, written last: a version without it is unfinished.
 *
 * @param parentVersion the version this one extends; null for a domain's first
 * @param correlationId the chain that made it (a dropped file's object id, or an API job's id)
 * @param fineTuningJob the API job that made it; absent for dropped files
 * @param format the files' format ({@code JSONL}, {@code TEXT}, {@code CSV})
 * @param kind the examples' kind ({@code chat}, {@code completion}, {@code text})
 * @param contentSha256 hash of the normalized examples: equal content, equal dataset
 */
public record DatasetManifest(
    String domain,
    int version,
    Instant createdAt,
    @JsonInclude(JsonInclude.Include.ALWAYS) Integer parentVersion,
    String correlationId,
    FineTuningJob fineTuningJob,
    List<Source> sources,
    String format,
    String kind,
    Counts counts,
    Tokens tokens,
    String contentSha256,
    Split split) {

  /** The API job and its files; {@code validationFile} null when it named none. */
  public record FineTuningJob(
      String id,
      String trainingFile,
      @JsonInclude(JsonInclude.Include.ALWAYS) String validationFile) {}

  /**
   * A file whose examples went into the version: a dropped object ({@code eventId}, {@code eTag},
   * absent when the store reported none) or an API job's file ({@code role}, {@code fileId}); the
   * other pair is absent.
   */
  public record Source(
      String role,
      String fileId,
      String eventId,
      String bucket,
      String key,
      long size,
      String eTag,
      String sha256) {}

  /**
   * @param read valid examples read from the sources
   * @param rejected problems found (kept out)
   */
  public record Counts(
      long train,
      long val,
      long read,
      long rejected,
      long duplicatesInFile,
      long duplicatesOfEarlierVersions) {}

  /**
   * @param counter how tokens were counted ({@code utf8-bytes})
   */
  public record Tokens(long train, long val, String counter) {}

  /**
   * @param valFraction absent when the job gave its own validation file
   * @param inputsInBothSplits inputs with examples in both splits (0 with the hash rule)
   */
  public record Split(String rule, Double valFraction, long inputsInBothSplits) {}
}
