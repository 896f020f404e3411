package dev.cft.ingest.service;

import dev.cft.datasets.DatasetBuilder;
import dev.cft.datasets.Issue;
import dev.cft.datasets.Sample;
import dev.cft.datasets.SampleReader;
import dev.cft.events.DatasetReady;
import dev.cft.events.EventIds;
import dev.cft.events.IngestRejected;
import dev.cft.events.ObjectLanded;
import dev.cft.events.documents.DatasetManifest;
import dev.cft.ingest.config.IngestConfig;
import dev.cft.ingest.metrics.IngestMetrics;
import dev.cft.runtime.store.ObjectStore;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.regex.Pattern;

/**
 * One object of the ingest bucket → a new dataset version of its domain, or quarantine with its
 * errors, or nothing when it adds nothing new. One domain's calls run one at a time ({@link
 * DomainLocks}); the Kafka consumer also takes a domain's objects in order (records are keyed by
 * domain, and it handles one at a time).
 */
@ApplicationScoped
public class IngestService {
  static final Pattern DOMAIN = dev.cft.events.ModelKeys.DOMAIN;

  static final String NO_EXAMPLES = "has no examples (empty or blank)";

  private final ObjectStore store;
  private final IngestConfig config;
  private final SampleFiles files;
  private final Quarantine quarantine;
  private final VersionMaker maker;
  private final OutcomeLedger ledger;
  private final DomainLocks locks;
  private final IngestMetrics metrics;

  public IngestService(
      ObjectStore store,
      IngestConfig config,
      SampleFiles files,
      Quarantine quarantine,
      VersionMaker maker,
      OutcomeLedger ledger,
      DomainLocks locks,
      IngestMetrics metrics) {
    this.store = store;
    this.config = config;
    this.files = files;
    this.quarantine = quarantine;
    this.maker = maker;
    this.ledger = ledger;
    this.locks = locks;
    this.metrics = metrics;
  }

  /** The problem with a domain name, or null when it is a valid one. */
  static String badDomain(String domain) {
    return DOMAIN.matcher(domain).matches()
        ? null
        : "domain '" + domain + "' must match " + DOMAIN.pattern();
  }

  public Outcome process(ObjectLanded landed) {
    return locks.run(landed.domain(), () -> processAlone(landed));
  }

  private Outcome processAlone(ObjectLanded landed) {
    String domain = landed.domain();
    if (ledger.has(domain, landed.eventId())) {
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
    String tooLarge = files.tooLarge(landed.size());
    if (tooLarge != null) {
      return refusedUnread(landed, tooLarge, IngestMetrics.Reason.TOO_LARGE, true);
    }
    SampleFiles.Read file = files.read(landed.bucket(), landed.key(), landed.key());
    SampleReader.Result read = file.result();
    List<Issue> issues = new java.util.ArrayList<>(read.issues());
    long issueCount = read.issueCount();
    String badDomain = badDomain(domain);
    if (badDomain != null) {
      issues.add(0, Issue.file(badDomain));
      issueCount++;
    } else if (read.samples().isEmpty() && read.valid()) {
      issues.add(Issue.file(NO_EXAMPLES));
      issueCount++;
    }
    metrics.read(domain, landed.size(), read.samples().size(), issueCount);
    boolean reject =
        issueCount > 0
            && (config.rejectFileOnErrors() || read.samples().isEmpty() || badDomain != null);
    if (issueCount > 0) {
      quarantine(landed, issues, issueCount, true);
    }
    if (reject) {
      return Outcome.rejected(
          rejectedEvent(landed, issues, issueCount),
          issueCount + " problems",
          badDomain != null ? IngestMetrics.Reason.DOMAIN : reason(read, issues));
    }
    return version(landed, file, issueCount);
  }

  /** Refused without reading the content: the report, and a copy unless the key is unsafe. */
  private Outcome refusedUnread(
      ObjectLanded landed, String why, IngestMetrics.Reason reason, boolean copy) {
    List<Issue> issues = List.of(Issue.file(why));
    metrics.read(landed.domain(), landed.size(), 0, 1);
    quarantine(landed, issues, 1, copy);
    return Outcome.rejected(rejectedEvent(landed, issues, 1), why, reason);
  }

  /** Why a file that was read is rejected, as a metrics tag. */
  static IngestMetrics.Reason reason(SampleReader.Result read, List<Issue> issues) {
    if (read.valid() && read.samples().isEmpty()) {
      return IngestMetrics.Reason.EMPTY;
    }
    return issues.stream().anyMatch(i -> i.line() != null)
        ? IngestMetrics.Reason.INVALID_RECORDS
        : IngestMetrics.Reason.UNREADABLE;
  }

  private Outcome version(ObjectLanded landed, SampleFiles.Read file, long rejected) {
    String domain = landed.domain();
    SampleReader.Result read = file.result();
    VersionMaker.Base base = maker.base(domain);
    List<Sample> samples = read.samples().stream().map(SampleReader.Line::sample).toList();
    DatasetBuilder.Built built =
        DatasetBuilder.build(samples, base.earlier(), config.valFraction());
    if (built.isEmpty()) {
      // Also the path of a retry after a crash between writing a version and recording it:
      // the version that holds this object's examples is announced again (same event id).
      return maker
          .find(base, m -> hasSource(m, landed.eventId()))
          .map(
              m ->
                  Outcome.accepted(
                      maker.ready(m, landed.correlationId(), null),
                      "v" + m.version() + " (announced again)"))
          .orElseGet(
              () ->
                  Outcome.of(
                      Outcome.Kind.DUPLICATE,
                      "all "
                          + samples.size()
                          + " examples are already in "
                          + domain
                          + " "
                          + base.existing()));
    }
    DatasetManifest.Source source =
        new DatasetManifest.Source(
            null,
            null,
            landed.eventId(),
            landed.bucket(),
            landed.key(),
            landed.size(),
            landed.eTag(),
            file.sha256());
    VersionMaker.Origin origin =
        new VersionMaker.Origin(
            landed.correlationId(),
            null,
            List.of(source),
            read.format(),
            samples.get(0).kind(),
            samples.size(),
            rejected);
    DatasetReady ready =
        maker.make(base, origin, built, DatasetBuilder.SPLIT_RULE, config.valFraction(), null);
    return Outcome.accepted(ready, "v" + ready.datasetVersion());
  }

  private static boolean hasSource(DatasetManifest manifest, String eventId) {
    return manifest.sources().stream().anyMatch(s -> eventId.equals(s.eventId()));
  }

  /** The report, and the original copied unchanged beside it when {@code copy}. */
  private void quarantine(ObjectLanded landed, List<Issue> issues, long count, boolean copy) {
    if (copy) {
      quarantine.copy(landed.bucket(), landed.key(), landed.key());
    }
    quarantine.report(
        landed.key(),
        Quarantine.ofObject(landed.bucket() + "/" + landed.key(), landed.eventId(), issues, count));
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

  private IngestRejected rejectedEvent(ObjectLanded landed, List<Issue> issues, long count) {
    return quarantine.rejected(
        EventIds.deterministic("IngestRejected", landed.eventId()),
        landed.correlationId(),
        landed.domain(),
        landed.bucket(),
        landed.key(),
        landed.key(),
        issues,
        count);
  }

  /** Notes the outcome in the ledger and the metrics, once its event is on Kafka. */
  public void record(ObjectLanded landed, Outcome outcome) {
    ledger.record(
        landed.domain(),
        landed.eventId(),
        landed.key(),
        landed.correlationId(),
        landed.occurredAt(),
        outcome,
        false);
  }
}
