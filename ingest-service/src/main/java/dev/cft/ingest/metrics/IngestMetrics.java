package dev.cft.ingest.metrics;

import dev.cft.runtime.metrics.Histograms;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;

/** What ingest does to the files it is told of; names in docs/operations.md, "Metrics". */
@ApplicationScoped
public class IngestMetrics {
  /** Why a file was quarantined, as a low-cardinality tag. */
  public enum Reason {
    /** The domain (first key segment) is not a valid name. */
    DOMAIN,
    /** No examples at all. */
    EMPTY,
    /** Lines that break the format's rules. */
    INVALID_RECORDS,
    /** The file as a whole cannot be read (encoding, compression, mixed formats). */
    UNREADABLE,
    /** Over the configured size: not read at all. */
    TOO_LARGE,
    /** A key with an empty, {@code .} or {@code ..} segment. */
    KEY;

    public String tag() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  private final MeterRegistry registry;

  public IngestMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  /** A file read: its size, its valid records and the problems found in it. */
  public void read(String domain, long bytes, long validRecords, long problems) {
    registry.counter("cft.ingest.files.seen", "domain", domain).increment();
    registry.counter("cft.ingest.bytes", "domain", domain).increment(Math.max(0, bytes));
    registry.counter("cft.ingest.records", "domain", domain).increment(validRecords);
    registry.counter("cft.ingest.record.problems", "domain", domain).increment(problems);
  }

  public void accepted(String domain, Instant landedAt) {
    registry.counter("cft.ingest.files.accepted", "domain", domain).increment();
    registry.counter("cft.ingest.dataset.versions", "domain", domain).increment();
    Histograms.timer(
            "cft.ingest.landed.to.ready",
            "From the object's S3 event (or its discovery by the scan) to datasets.ready",
            Duration.ofMillis(50),
            Duration.ofMinutes(30))
        .tag("domain", domain)
        .register(registry)
        .record(Duration.between(landedAt, Instant.now()));
  }

  /** Nothing new: every example is in an earlier version. */
  public void duplicate(String domain) {
    registry.counter("cft.ingest.files.duplicate", "domain", domain).increment();
  }

  public void rejected(String domain, Reason reason) {
    registry
        .counter("cft.ingest.files.rejected", "domain", domain, "reason", reason.tag())
        .increment();
  }
}
