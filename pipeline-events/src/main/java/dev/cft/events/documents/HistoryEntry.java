package dev.cft.events.documents;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/**
 * A line of {@code models/<domain>/history.jsonl}: one move of the production alias, or a person's
 * decision on a candidate.
 *
 * @param version the version production moved to; for {@code REJECTED}, the version rejected
 * @param from the version production held before; null for a domain's first
 * @param correlationId the chain of the version production moved to (a rollback's too); for {@code
 *     REJECTED}, the rejected version's
 * @param actor who decided: the digest of an operator's key; absent when the gate decided
 */
public record HistoryEntry(
    Instant at,
    Action action,
    String version,
    @JsonInclude(JsonInclude.Include.ALWAYS) String from,
    String reason,
    @JsonInclude(JsonInclude.Include.ALWAYS) String correlationId,
    String actor) {

  public enum Action {
    PROMOTED,
    ROLLED_BACK,
    /** A person turned a candidate down: it never becomes production unless promoted by hand. */
    REJECTED
  }
}
