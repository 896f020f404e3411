package dev.cft.events.documents;

import java.time.Instant;

/**
 * {@code checkpoints/_claims/<jobId>/<attempt>.json}: which worker took over a training job for its
 * attempt N (N ≥ 1; attempt 0 is the job record's own create-only write). Written once, with S3's
 * create-only write, by a worker that found the job's owner gone: of workers racing for one attempt
 * exactly one creates its claim, and an owner that finds a later attempt claimed has lost the job
 * and stops.
 */
public record JobClaim(String jobId, int attempt, String workerId, Instant claimedAt) {}
