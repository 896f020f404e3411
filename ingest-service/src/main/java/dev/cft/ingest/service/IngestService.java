package dev.cft.ingest.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cft.datasets.DatasetBuilder;
import dev.cft.datasets.Hashes;
import dev.cft.datasets.Issue;
import dev.cft.datasets.Sample;
import dev.cft.datasets.SampleReader;
import dev.cft.events.DatasetReady;
import dev.cft.events.EventIds;
import dev.cft.events.IngestRejected;
import dev.cft.events.ObjectLanded;
import dev.cft.ingest.config.IngestConfig;
import dev.cft.ingest.metrics.IngestMetrics;
import dev.cft.ingest.storage.DatasetVersions;
import dev.cft.runtime.store.ObjectStore;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * One object of the ingest bucket → a new dataset version of its domain, or quarantine with its
 * errors, or nothing when it adds nothing new. Calls for one domain must not overlap: the Kafka
 * consumer sees to that (records are keyed by domain, and it handles one at a time).
 */
@ApplicationScoped
public class IngestService {
  /** Domains name model lines, Kafka keys and {@code /v1/models} ids: kept to URL-safe names. */
  static final Pattern DOMAIN = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

  private static final Logger LOG = Logger.getLogger(IngestService.class);

  private final ObjectStore store;
  private final DatasetVersions versions;
  private final IngestConfig config;
  private final SampleReader reader;
  private final IngestMetrics metrics;

  public IngestService(
      ObjectStore store, DatasetVersions versions, IngestConfig config, IngestMetrics metrics) {
    this.store = store;
    this.metrics = metrics;
    this.versions = versions;
    this.config = config;
    this.reader =
        new SampleReader(
            new SampleReader.Limits(
                config.maxExampleTokens(),
                config.maxErrorsListed(),
                SampleReader.Limits.UTF8_BYTES,
                (int) Math.min(Integer.MAX_VALUE - 16, config.maxLineSize().asLongValue()),
                config.maxExpandedSize().asLongValue()));
  }

  public Outcome process(ObjectLanded landed) {
    String domain = landed.domain();
    if (versions.ledger(domain, landed.eventId()).isPresent()) {
      return Outcome.of(Outcome.Kind.SKIPPED, "already ingested");
    }
    if (!safe(landed.key())) {
      // Some S3 stores take such keys; the MinIO SDK will not address them, nor should we.
      return refusedUnread(
          landed,
          "key '"
              + landed.key()
              + "' has an empty, '.' or '..' segment: refused unread (it could address another"
              + " path); rename the object",
          IngestMetrics.Reason.KEY,
          false);
    }
    if (!store.exists(landed.bucket(), landed.key())) {
      return Outcome.of(Outcome.Kind.SKIPPED, "no longer in the bucket");
    }
    long maxSize = config.maxFileSize().asLongValue();
    if (landed.size() > maxSize) {
      return refusedUnread(
          landed,
          "is "
              + landed.size()
              + " bytes, over the limit of "
              + maxSize
              + " (CFT_INGEST_MAX_FILE_SIZE): not read; split it",
          IngestMetrics.Reason.TOO_LARGE,
          true);
    }
    SampleReader.Result read;
    String sha256;
    try (InputStream raw = store.open(landed.bucket(), landed.key())) {
      MessageDigest digest = Hashes.sha256();
      read = reader.read(landed.key(), new DigestInputStream(raw, digest));
      sha256 = HexFormat.of().formatHex(digest.digest());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read s3://" + landed.bucket() + "/" + landed.key(), e);
    }
    List<Issue> issues = new java.util.ArrayList<>(read.issues());
    long issueCount = read.issueCount();
    boolean badDomain = !DOMAIN.matcher(domain).matches();
    if (badDomain) {
      issues.add(0, Issue.file("domain '" + domain + "' must match " + DOMAIN.pattern()));
      issueCount++;
    } else if (read.samples().isEmpty() && read.valid()) {
      issues.add(Issue.file("has no examples (empty or blank)"));
      issueCount++;
    }
    metrics.read(domain, landed.size(), read.samples().size(), issueCount);
    boolean reject =
        issueCount > 0 && (config.rejectFileOnErrors() || read.samples().isEmpty() || badDomain);
    if (issueCount > 0) {
      quarantine(landed, issues, issueCount);
    }
    if (reject) {
      return Outcome.rejected(
          rejectedEvent(landed, issues, issueCount),
          issueCount + " problems",
          reason(badDomain, read, issues));
    }
    return version(landed, read, sha256, issueCount);
  }

  /** Refused without reading the content: the report, and a copy unless the key is unsafe. */
  private Outcome refusedUnread(
      ObjectLanded landed, String why, IngestMetrics.Reason reason, boolean copy) {
    List<Issue> issues = List.of(Issue.file(why));
    metrics.read(landed.domain(), landed.size(), 0, 1);
    if (copy) {
      quarantine(landed, issues, 1);
    } else {
      writeErrors(landed, issues, 1);
    }
    return Outcome.rejected(rejectedEvent(landed, issues, 1), why, reason);
  }

  private static IngestMetrics.Reason reason(
      boolean badDomain, SampleReader.Result read, List<Issue> issues) {
    if (badDomain) {
      return IngestMetrics.Reason.DOMAIN;
    }
    if (read.valid() && read.samples().isEmpty()) {
      return IngestMetrics.Reason.EMPTY;
    }
    return issues.stream().anyMatch(i -> i.line() != null)
        ? IngestMetrics.Reason.INVALID_RECORDS
        : IngestMetrics.Reason.UNREADABLE;
  }

  private Outcome version(
      ObjectLanded landed, SampleReader.Result read, String sha256, long rejected) {
    String domain = landed.domain();
    TreeSet<Integer> existing = versions.versions(domain);
    List<Sample> samples = read.samples().stream().map(SampleReader.Line::sample).toList();
    DatasetBuilder.Built built =
        DatasetBuilder.build(samples, versions.earlier(domain, existing), config.valFraction());
    if (built.isEmpty()) {
      // Also the path of a retry after a crash between writing a version and recording it:
      // the version that holds this object's examples is announced again (same event id).
      for (int v : existing.descendingSet()) {
        JsonNode manifest = versions.manifest(domain, v);
        for (JsonNode source : manifest.path("sources")) {
          if (landed.eventId().equals(source.path("eventId").asText())) {
            return Outcome.accepted(
                readyEvent(landed, v, manifest), "v" + v + " (announced again)");
          }
        }
      }
      return Outcome.of(
          Outcome.Kind.DUPLICATE,
          "all " + samples.size() + " examples are already in " + domain + " " + existing);
    }
    int version = existing.isEmpty() ? 1 : existing.last() + 1;
    ObjectNode manifest =
        manifest(
            landed,
            read,
            sha256,
            built,
            version,
            existing.isEmpty() ? null : existing.last(),
            rejected);
    versions.write(domain, version, built, manifest);
    LOG.infof(
        "%s v%d: %d train, %d val examples from s3://%s/%s",
        domain, version, built.train().size(), built.val().size(), landed.bucket(), landed.key());
    return Outcome.accepted(readyEvent(landed, version, manifest), "v" + version);
  }

  private ObjectNode manifest(
      ObjectLanded landed,
      SampleReader.Result read,
      String sha256,
      DatasetBuilder.Built built,
      int version,
      Integer parent,
      long rejected) {
    ObjectNode m = versions.json().createObjectNode();
    m.put("domain", landed.domain())
        .put("version", version)
        .put("createdAt", Instant.now().toString());
    if (parent == null) {
      m.putNull("parentVersion");
    } else {
      m.put("parentVersion", parent);
    }
    m.put("correlationId", landed.correlationId());
    ObjectNode source = m.putArray("sources").addObject();
    source.put("eventId", landed.eventId()).put("bucket", landed.bucket()).put("key", landed.key());
    source.put("size", landed.size()).put("eTag", landed.eTag()).put("sha256", sha256);
    m.put("format", read.format().name());
    m.put("kind", read.samples().get(0).sample().kind());
    ObjectNode counts = m.putObject("counts");
    counts.put("train", built.train().size()).put("val", built.val().size());
    counts.put("read", read.samples().size()).put("rejected", rejected);
    counts.put("duplicatesInFile", built.duplicatesInFile());
    counts.put("duplicatesOfEarlierVersions", built.duplicatesOfEarlier());
    ObjectNode tokens = m.putObject("tokens");
    long train = tokens(built.train());
    long val = tokens(built.val());
    tokens.put("train", train).put("val", val).put("counter", "utf8-bytes");
    m.put(
        "contentSha256",
        Hashes.sha256(
            concat(DatasetVersions.jsonl(built.train()), DatasetVersions.jsonl(built.val()))));
    ObjectNode split = m.putObject("split");
    split.put("rule", DatasetBuilder.SPLIT_RULE).put("valFraction", config.valFraction());
    split.put("inputsInBothSplits", built.inputsInBothSplits());
    return m;
  }

  private static long tokens(List<DatasetBuilder.Entry> entries) {
    return entries.stream().mapToLong(e -> e.sample().utf8Bytes()).sum();
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] all = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }

  private DatasetReady readyEvent(ObjectLanded landed, int version, JsonNode manifest) {
    String domain = landed.domain();
    String prefix = DatasetVersions.prefix(domain, version);
    JsonNode counts = manifest.path("counts");
    JsonNode tokens = manifest.path("tokens");
    JsonNode parent = manifest.path("parentVersion");
    return new DatasetReady(
        EventIds.deterministic("DatasetReady", domain, version),
        landed.correlationId(),
        domain,
        Instant.now(),
        version,
        versions.bucket(),
        prefix,
        prefix + DatasetReady.MANIFEST_FILE,
        counts.path("train").asLong(),
        counts.path("val").asLong(),
        tokens.path("train").asLong() + tokens.path("val").asLong(),
        manifest.path("contentSha256").asText(),
        List.of(landed.bucket() + "/" + landed.key()),
        parent.isNumber() ? parent.intValue() : null,
        null);
  }

  /** The original, copied unchanged, and {@code <name>.errors.json} beside it. */
  private void quarantine(ObjectLanded landed, List<Issue> issues, long count) {
    store.copy(landed.bucket(), landed.key(), config.buckets().quarantine(), landed.key());
    writeErrors(landed, issues, count);
  }

  private void writeErrors(ObjectLanded landed, List<Issue> issues, long count) {
    String quarantine = config.buckets().quarantine();
    ObjectNode report = versions.json().createObjectNode();
    report.put("source", landed.bucket() + "/" + landed.key()).put("eventId", landed.eventId());
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
          quarantine,
          errorsKey(landed),
          versions.json().writerWithDefaultPrettyPrinter().writeValueAsBytes(report),
          "application/json");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    LOG.warnf(
        "s3://%s/%s: %d problems, first: %s", landed.bucket(), landed.key(), count, issues.get(0));
  }

  /** A key whose segments are all names: no empty, {@code .} or {@code ..} segment. */
  public static boolean safe(String key) {
    for (String segment : key.split("/", -1)) {
      if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
        return false;
      }
    }
    return true;
  }

  /** Beside the quarantined copy; for a key no client should address, under a hash of it. */
  static String errorsKey(ObjectLanded landed) {
    String key = safe(landed.key()) ? landed.key() : "_unsafe-keys/" + Hashes.sha256(landed.key());
    return key + ".errors.json";
  }

  private IngestRejected rejectedEvent(ObjectLanded landed, List<Issue> issues, long count) {
    return new IngestRejected(
        EventIds.deterministic("IngestRejected", landed.eventId()),
        landed.correlationId(),
        landed.domain(),
        Instant.now(),
        landed.bucket(),
        landed.key(),
        config.buckets().quarantine(),
        landed.key(),
        errorsKey(landed),
        count,
        issues.stream()
            .limit(IngestRejected.MAX_ERRORS)
            .map(i -> new IngestRejected.LineError(i.line(), i.field(), i.message()))
            .toList());
  }

  /** Notes the outcome in the ledger and the metrics, once its event is on Kafka. */
  public void record(ObjectLanded landed, Outcome outcome) {
    switch (outcome.kind()) {
      case SKIPPED -> {
        return;
      }
      case ACCEPTED -> metrics.accepted(landed.domain(), landed.occurredAt());
      case DUPLICATE -> metrics.duplicate(landed.domain());
      case REJECTED -> metrics.rejected(landed.domain(), outcome.reason());
    }
    ObjectNode entry = versions.json().createObjectNode();
    entry.put("key", landed.key()).put("outcome", outcome.kind().name());
    entry.put("detail", outcome.detail()).put("at", Instant.now().toString());
    entry.put("correlationId", landed.correlationId());
    versions.record(landed.domain(), landed.eventId(), entry);
  }
}
