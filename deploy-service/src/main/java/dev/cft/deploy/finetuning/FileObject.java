package dev.cft.deploy.finetuning;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;

/**
 * An uploaded file in OpenAI's shape ({@code GET /v1/files/{id}}), as stored beside its content.
 * Beyond OpenAI's fields: {@code examples} read and, when the file is not usable, {@code errors}
 * with the line and field of each problem (OpenAI's {@code status_details} holds the summary).
 *
 * @param status {@code processed} (valid), {@code error} (not usable for fine-tuning)
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record FileObject(
    String id,
    String object,
    long bytes,
    long createdAt,
    String filename,
    String purpose,
    String status,
    String statusDetails,
    Long expiresAt,
    Long examples,
    List<LineError> errors) {
  public static final String OBJECT = "file";
  public static final String FINE_TUNE = "fine-tune";
  public static final String RESULTS = "fine-tune-results";
  public static final String PROCESSED = "processed";
  public static final String ERROR = "error";

  public FileObject {
    errors = errors == null ? List.of() : List.copyOf(errors);
  }

  public boolean usable() {
    return PROCESSED.equals(status);
  }

  /** One problem of a file: {@code line} null for the whole file, {@code field} null if none. */
  public record LineError(Long line, String field, String message) {}
}
