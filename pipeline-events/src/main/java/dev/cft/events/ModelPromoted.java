package dev.cft.events;

import java.time.Instant;

/**
 * The domain's {@code production} alias moved; servers hot-swap to {@code modelVersion}.
 *
 * @param modelVersion the version now in production
 * @param previousVersion the version it replaced; null for a domain's first promotion
 * @param reason why, e.g. the gate summary or the operator's rollback note
 */
public record ModelPromoted(
    String eventId,
    String correlationId,
    String domain,
    Instant occurredAt,
    String modelVersion,
    String previousVersion,
    Action action,
    String modelBucket,
    String modelPrefix,
    String reason)
    implements PipelineEvent {

  public enum Action {
    PROMOTED,
    ROLLED_BACK
  }

  public ModelPromoted {
    Require.envelope(ModelPromoted.class, eventId, correlationId, domain, occurredAt);
    Require.text(ModelPromoted.class, "modelVersion", modelVersion);
    Require.present(ModelPromoted.class, "action", action);
    Require.text(ModelPromoted.class, "modelBucket", modelBucket);
    Require.text(ModelPromoted.class, "modelPrefix", modelPrefix);
  }
}
