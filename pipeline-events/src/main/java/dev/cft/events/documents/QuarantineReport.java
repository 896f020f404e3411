package dev.cft.events.documents;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * {@code quarantine/<key>.errors.json}, beside a rejected original: every problem found, with its
 * line and field.
 *
 * @param source {@code <bucket>/<key>} of the original
 * @param eventId the dropped object's id; absent for an API job's file
 * @param fineTuningJob the API job whose file it is; absent for a dropped object
 * @param errorCount every problem found; {@code errors} lists the first ones
 */
public record QuarantineReport(
    String source,
    String eventId,
    String fineTuningJob,
    String fileId,
    String role,
    long errorCount,
    List<Error> errors) {

  /**
   * @param line null for the whole file; @param field null when no field is at fault
   */
  public record Error(
      @JsonInclude(JsonInclude.Include.ALWAYS) Long line,
      @JsonInclude(JsonInclude.Include.ALWAYS) String field,
      String message) {}
}
