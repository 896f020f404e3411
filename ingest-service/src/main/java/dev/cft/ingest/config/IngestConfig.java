package dev.cft.ingest.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** How the ingest stage judges and splits data ({@code cft.ingest.*}, env {@code CFT_INGEST_*}). */
@ConfigMapping(prefix = "cft.ingest")
public interface IngestConfig {
  /** Share of examples (by hash of their input) held out for validation. */
  @WithDefault("0.1")
  double valFraction();

  /**
   * Whether one bad example rejects the whole file (quarantined, nothing ingested). When false the
   * good examples are ingested and the bad ones are reported in quarantine beside a copy.
   */
  @WithDefault("true")
  boolean rejectFileOnErrors();

  /**
   * An example longer than this (UTF-8 bytes: the byte tokenizer's count, above BPE's) is an error.
   */
  @WithDefault("32768")
  long maxExampleTokens();

  /** A larger object is refused unread (quarantined with the reason). */
  @WithDefault("2G")
  io.quarkus.runtime.configuration.MemorySize maxFileSize();

  /** A longer line is an error, skipped without being held in memory. */
  @WithDefault("8M")
  io.quarkus.runtime.configuration.MemorySize maxLineSize();

  /** A compressed file that expands beyond this is refused (a gzip bomb, or a file to split). */
  @WithDefault("8G")
  io.quarkus.runtime.configuration.MemorySize maxExpandedSize();

  /** Problems written out per file; all are counted. */
  @WithDefault("1000")
  int maxErrorsListed();

  /** How often the ingest bucket is scanned for objects no notification announced. */
  @WithDefault("30s")
  Duration scanInterval();

  /** Wait after start before the first scan. */
  @WithDefault("2s")
  Duration scanDelay();

  /**
   * An object without an ETag (a file copied straight into the embedded store's directory, which
   * grows while the copy runs) is announced only once it has not changed for this long: the scan
   * never takes a half-copied file. Objects written through the S3 API appear whole.
   */
  @WithDefault("5s")
  Duration scanSettle();

  /** An object the scan announced and nobody processed is announced again after this. */
  @WithDefault("10m")
  Duration rescanAfter();

  /** Bucket names, for stores where the defaults are taken. */
  Buckets buckets();

  interface Buckets {
    @WithDefault("ingest")
    String ingest();

    @WithDefault("quarantine")
    String quarantine();

    @WithDefault("datasets")
    String datasets();
  }
}
