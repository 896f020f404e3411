package dev.cft.ingest.service;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cft.datasets.Hashes;
import dev.cft.datasets.Issue;
import dev.cft.events.IngestRejected;
import dev.cft.ingest.config.IngestConfig;
import dev.cft.ingest.storage.DatasetVersions;
import dev.cft.runtime.store.ObjectStore;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
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
  private final DatasetVersions versions;
  private final String bucket;

  public Quarantine(ObjectStore store, DatasetVersions versions, IngestConfig config) {
    this.store = store;
    this.versions = versions;
    this.bucket = config.buckets().quarantine();
  }

  public String bucket() {
    return bucket;
  }

  /** A server-side copy of the original under {@code quarantineKey}. */
  public void copy(String fromBucket, String fromKey, String quarantineKey) {
    store.copy(fromBucket, fromKey, bucket, quarantineKey);
  }

  /** An object for the report's first fields (what was rejected); {@link #report} adds errors. */
  public ObjectNode about(String source) {
    return versions.json().createObjectNode().put("source", source);
  }

  /** Writes {@link #errorsKey}{@code (quarantineKey)}: {@code about}, the count and the issues. */
  public void report(String quarantineKey, ObjectNode about, List<Issue> issues, long count) {
    ObjectNode report = about.deepCopy();
    report.put("errorCount", count);
    ArrayNode errors = report.putArray("errors");
    for (Issue issue : issues) {
      ObjectNode e = errors.addObject();
      if (issue.line() == null) {
        e.putNull("line");
      } else {
        e.put("line", issue.line());
      }
      e.put("field", issue.field()).put("message", issue.message());
    }
    try {
      store.write(
          bucket,
          errorsKey(quarantineKey),
          versions.json().writerWithDefaultPrettyPrinter().writeValueAsBytes(report),
          "application/json");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    LOG.warnf("%s: %d problems, first: %s", about.path("source").asText(), count, issues.get(0));
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
