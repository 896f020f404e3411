package dev.cft.events;

import java.time.Instant;

/**
 * A fine-tuning job was created through the API: ingest validates its files with the rules it
 * applies to dropped files and makes a dataset version of them (the validation file, when given, is
 * the version's val split), which then trains, is judged and is promoted like any other. The job's
 * id is the correlation id of the chain.
 *
 * @param validation null when the job names no validation file
 */
public record FineTuningRequested(
    String eventId,
    String correlationId,
    String domain,
    Instant occurredAt,
    File training,
    File validation,
    FineTuning fineTuning)
    implements PipelineEvent {

  public FineTuningRequested {
    Require.envelope(FineTuningRequested.class, eventId, correlationId, domain, occurredAt);
    Require.present(FineTuningRequested.class, "training", training);
    Require.present(FineTuningRequested.class, "fineTuning", fineTuning);
    if (!correlationId.equals(fineTuning.jobId())) {
      throw new IllegalArgumentException(
          "FineTuningRequested.correlationId must be the job's id: the job starts the chain");
    }
  }

  /**
   * An uploaded file.
   *
   * @param id its API id ({@code file-…}), for messages
   * @param bucket where its content is kept
   * @param key its content in {@code bucket}
   */
  public record File(String id, String bucket, String key) {

    public File {
      Require.text(File.class, "id", id);
      Require.text(File.class, "bucket", bucket);
      Require.text(File.class, "key", key);
    }
  }
}
