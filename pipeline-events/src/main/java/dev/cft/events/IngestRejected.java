package dev.cft.events;

import java.time.Instant;
import java.util.List;

/**
 * An ingested file failed validation and was moved to quarantine. The full line-level report is the
 * errors object; the event carries only the first few errors so it stays small.
 *
 * @param errorsKey key of the {@code <name>.errors.json} report in the quarantine bucket
 * @param errorCount all errors found, which may exceed {@code errors.size()}
 * @param errors the first errors, at most {@link #MAX_ERRORS}
 */
public record IngestRejected(
    String eventId,
    String correlationId,
    String domain,
    Instant occurredAt,
    String sourceBucket,
    String sourceKey,
    String quarantineBucket,
    String quarantineKey,
    String errorsKey,
    long errorCount,
    List<LineError> errors)
    implements PipelineEvent {

  public static final int MAX_ERRORS = 20;

  public IngestRejected {
    Require.envelope(IngestRejected.class, eventId, correlationId, domain, occurredAt);
    Require.text(IngestRejected.class, "sourceBucket", sourceBucket);
    Require.text(IngestRejected.class, "sourceKey", sourceKey);
    Require.text(IngestRejected.class, "quarantineBucket", quarantineBucket);
    Require.text(IngestRejected.class, "quarantineKey", quarantineKey);
    Require.text(IngestRejected.class, "errorsKey", errorsKey);
    Require.nonNegative(IngestRejected.class, "errorCount", errorCount);
    errors = Require.list(IngestRejected.class, "errors", errors);
    if (errorCount < errors.size()) {
      throw new IllegalArgumentException(
          "IngestRejected.errorCount " + errorCount + " is less than the errors listed");
    }
    if (errors.size() > MAX_ERRORS) {
      errors = errors.subList(0, MAX_ERRORS);
    }
  }

  /**
   * One validation problem.
   *
   * @param line 1-based line in the source file; null for file-level problems
   * @param field the offending field, e.g. {@code messages[2].role}; null when not field-specific
   */
  public record LineError(Long line, String field, String message) {

    public LineError {
      Require.text(LineError.class, "message", message);
    }
  }
}
