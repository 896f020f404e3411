package dev.cft.events.documents;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/**
 * A line of {@code models/<domain>/history.jsonl}: one move of the production alias.
 *
 * @param from the version production held before; null for a domain's first
 * @param correlationId the chain that caused it; null for an operator's rollback
 */
public record HistoryEntry(
    Instant at,
    Action action,
    String version,
    @JsonInclude(JsonInclude.Include.ALWAYS) String from,
    String reason,
    @JsonInclude(JsonInclude.Include.ALWAYS) String correlationId) {

  public enum Action {
    PROMOTED,
    ROLLED_BACK
  }
}
