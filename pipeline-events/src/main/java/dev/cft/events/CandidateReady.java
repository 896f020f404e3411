package dev.cft.events;

import java.time.Instant;

/**
 * A finished fine-tune was written to the model registry as a new version; evaluate it.
 *
 * @param modelVersion the version id, unique within the domain
 * @param modelPrefix where the version's files sit, {@code <domain>/versions/<v>/}
 * @param parentModelVersion the version it was fine-tuned from; null when it started from a base
 *     model
 */
public record CandidateReady(
    String eventId,
    String correlationId,
    String domain,
    Instant occurredAt,
    String jobId,
    String modelVersion,
    String modelBucket,
    String modelPrefix,
    int datasetVersion,
    String parentModelVersion)
    implements PipelineEvent {

  public CandidateReady {
    Require.envelope(CandidateReady.class, eventId, correlationId, domain, occurredAt);
    Require.text(CandidateReady.class, "jobId", jobId);
    Require.text(CandidateReady.class, "modelVersion", modelVersion);
    Require.text(CandidateReady.class, "modelBucket", modelBucket);
    Require.text(CandidateReady.class, "modelPrefix", modelPrefix);
    Require.nonNegative(CandidateReady.class, "datasetVersion", datasetVersion);
  }
}
