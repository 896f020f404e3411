package dev.cft.deploy.finetuning;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.Map;

/**
 * An entry of {@code GET /v1/fine_tuning/jobs/{id}/events}, in OpenAI's shape.
 *
 * @param id sorts in the order the entries happened ({@link JobIds#event})
 * @param level {@code info}, {@code warn} or {@code error}
 * @param type {@code message}, or {@code metrics} for a training step's figures in {@code data}
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record JobEvent(
    String id,
    String object,
    long createdAt,
    String level,
    String message,
    String type,
    Map<String, Object> data) {
  public static final String OBJECT = "fine_tuning.job.event";

  public static JobEvent info(String id, long at, String message) {
    return new JobEvent(id, OBJECT, at, "info", message, "message", null);
  }

  public static JobEvent error(String id, long at, String message) {
    return new JobEvent(id, OBJECT, at, "error", message, "message", null);
  }

  public static JobEvent metrics(String id, long at, String message, Map<String, Object> data) {
    return new JobEvent(id, OBJECT, at, "info", message, "metrics", data);
  }
}
