package dev.cft.ingest.service;

import dev.cft.datasets.Hashes;
import dev.cft.datasets.Issue;
import dev.cft.events.IngestRejected;
import dev.cft.events.documents.Documents;
import dev.cft.events.documents.QuarantineReport;
import dev.cft.ingest.config.IngestConfig;
import dev.cft.runtime.store.ObjectStore;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * The quarantine bucket: rejected originals copied unchanged, each with {@code <key>.errors.json}
 * beside it, and the {@link IngestRejected} event that points at them.
 */
@ApplicationScoped
public class Quarantine {
  private static final Logger LOG = Logger.getLogger(Quarantine.class);

  private final ObjectStore store;
  private final String bucket;

  public Quarantine(ObjectStore store, IngestConfig config) {
    this.store = store;
    this.bucket = config.buckets().quarantine();
  }

  public String bucket() {
    return bucket;
  }

  /** A server-side copy of the original under {@code quarantineKey}. */
  public void copy(String fromBucket, String fromKey, String quarantineKey) {
    store.copy(fromBucket, fromKey, bucket, quarantineKey);
  }

  /** The report of a dropped object: {@code source} is its {@code <bucket>/<key>}. */
  public static QuarantineReport ofObject(
      String source, String eventId, List<Issue> issues, long count) {
    return new QuarantineReport(source, eventId, null, null, null, count, errors(issues));
  }

  /** The report of an API job's file. */
  public static QuarantineReport ofJobFile(
      String source, String job, String fileId, String role, List<Issue> issues, long count) {
    return new QuarantineReport(source, null, job, fileId, role, count, errors(issues));
  }

  /** Writes {@link #errorsKey}{@code (quarantineKey)}. */
  public void report(String quarantineKey, QuarantineReport report) {
    store.write(bucket, errorsKey(quarantineKey), Documents.write(report), "application/json");
    QuarantineReport.Error first = report.errors().get(0);
    LOG.warnf(
        "%s: %d problems, first: %s",
        report.source(),
        report.errorCount(),
        new Issue(first.line(), first.field(), first.message()));
  }

  private static List<QuarantineReport.Error> errors(List<Issue> issues) {
    return issues.stream()
        .map(i -> new QuarantineReport.Error(i.line(), i.field(), i.message()))
        .toList();
  }

  /** Beside the quarantined copy; for a key no client should address, under a hash of it. */
  public static String errorsKey(String quarantineKey) {
    String key =
        IngestService.safe(quarantineKey)
            ? quarantineKey
            : "_unsafe-keys/" + Hashes.sha256(quarantineKey);
    return key + ".errors.json";
  }

  /** The event for a rejected file: the first {@link IngestRejected#MAX_ERRORS} issues. */
  public IngestRejected rejected(
      String eventId,
      String correlationId,
      String domain,
      String sourceBucket,
      String sourceKey,
      String quarantineKey,
      List<Issue> issues,
      long count) {
    return new IngestRejected(
        eventId,
        correlationId,
        domain,
        Instant.now(),
        sourceBucket,
        sourceKey,
        bucket,
        quarantineKey,
        errorsKey(quarantineKey),
        count,
        issues.stream()
            .limit(IngestRejected.MAX_ERRORS)
            .map(i -> new IngestRejected.LineError(i.line(), i.field(), i.message()))
            .toList());
  }
}
