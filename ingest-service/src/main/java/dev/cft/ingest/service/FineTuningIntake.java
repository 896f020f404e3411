package dev.cft.ingest.service;

import dev.cft.datasets.DatasetBuilder;
import dev.cft.datasets.Hashes;
import dev.cft.datasets.Issue;
import dev.cft.events.DatasetReady;
import dev.cft.events.EventIds;
import dev.cft.events.FineTuningRequested;
import dev.cft.events.IngestRejected;
import dev.cft.events.documents.DatasetManifest;
import dev.cft.ingest.config.IngestConfig;
import dev.cft.ingest.metrics.IngestMetrics;
import dev.cft.ingest.service.JobFiles.Checked;
import dev.cft.ingest.service.JobFiles.Role;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * A fine-tuning job created through the API → a new dataset version of its domain made of the job's
 * files (the training file, and the validation file as the val split when there is one), or the
 * job's rejection: a problem in either file (whatever {@code reject-file-on-errors} says: OpenAI
 * fails a job whose file has errors), or files that add nothing new to train on. Either way the job
 * hears of it: {@code datasets.ready} or {@code ingest.rejected}, with the job id as correlation
 * id. A job is handled once: the ledger ({@code _ingested/<domain>/<jobId>.json}) holds the event
 * that was sent, and a redelivered request sends that event again.
 */
@ApplicationScoped
public class FineTuningIntake {
  private final IngestConfig config;
  private final JobFiles files;
  private final Quarantine quarantine;
  private final VersionMaker maker;
  private final OutcomeLedger ledger;
  private final DomainLocks locks;

  public FineTuningIntake(
      IngestConfig config,
      JobFiles files,
      Quarantine quarantine,
      VersionMaker maker,
      OutcomeLedger ledger,
      DomainLocks locks) {
    this.config = config;
    this.files = files;
    this.quarantine = quarantine;
    this.maker = maker;
    this.ledger = ledger;
    this.locks = locks;
  }

  public Outcome process(FineTuningRequested request) {
    String badDomain = IngestService.badDomain(request.domain());
    if (badDomain != null) {
      // No ledger under a name that is not a domain: the same refusal is made again instead.
      return reject(request, List.of(refusedDomain(request, badDomain)));
    }
    return locks.run(request.domain(), () -> processAlone(request));
  }

  private Outcome processAlone(FineTuningRequested request) {
    String domain = request.domain();
    var again = ledger.recorded(domain, ledgerId(request));
    if (again.isPresent()) {
      return again.get();
    }
    List<Checked> checked = new ArrayList<>();
    checked.add(files.check(domain, Role.TRAINING, request.training()));
    if (request.validation() != null) {
      Checked validation = files.check(domain, Role.VALIDATION, request.validation());
      String otherKind = otherKind(checked.get(0), validation);
      checked.add(
          otherKind == null
              ? validation
              : validation.with(otherKind, IngestMetrics.Reason.UNREADABLE));
    }
    if (checked.stream().anyMatch(c -> !c.valid())) {
      return reject(request, checked.stream().filter(c -> !c.valid()).toList());
    }
    return version(request, checked);
  }

  /** Why the two files cannot make one version: examples of two kinds; null when they can. */
  static String otherKind(Checked training, Checked validation) {
    if (!training.valid() || !validation.valid()) {
      return null;
    }
    String trains = training.samples().get(0).kind();
    String validates = validation.samples().get(0).kind();
    return trains.equals(validates)
        ? null
        : "holds "
            + validates
            + " examples, the training file "
            + trains
            + " ones: a job's files must be of one kind";
  }

  private Outcome version(FineTuningRequested request, List<Checked> checked) {
    String domain = request.domain();
    String job = request.correlationId();
    Checked training = checked.get(0);
    Checked validation = checked.size() > 1 ? checked.get(1) : null;
    VersionMaker.Base base = maker.base(domain);
    DatasetBuilder.Built built =
        validation == null
            ? DatasetBuilder.build(training.samples(), base.earlier(), config.valFraction())
            : GivenSplits.build(training.samples(), validation.samples(), base.earlier());
    if (built.train().isEmpty()) {
      // Also the path of a retry after a crash between writing the version and recording it.
      return maker
          .find(base, m -> m.fineTuningJob() != null && job.equals(m.fineTuningJob().id()))
          .map(
              m ->
                  Outcome.accepted(
                      maker.ready(m, job, request.fineTuning()),
                      "v" + m.version() + " (announced again)"))
          .orElseGet(() -> nothingNew(request, training, built, base.existing()));
    }
    DatasetManifest.FineTuningJob about =
        new DatasetManifest.FineTuningJob(
            job, training.file().id(), validation == null ? null : validation.file().id());
    VersionMaker.Origin origin =
        new VersionMaker.Origin(
            job,
            about,
            checked.stream().map(Checked::source).toList(),
            training.read().result().format(),
            training.samples().get(0).kind(),
            checked.stream().mapToLong(c -> c.samples().size()).sum(),
            0);
    DatasetReady ready =
        validation == null
            ? maker.make(
                base,
                origin,
                built,
                DatasetBuilder.SPLIT_RULE,
                config.valFraction(),
                request.fineTuning())
            : maker.make(base, origin, built, GivenSplits.RULE, null, request.fineTuning());
    return Outcome.accepted(ready, "v" + ready.datasetVersion() + " for " + job);
  }

  /** Nothing to train on: rejected, so that the job fails rather than waits for ever. */
  private Outcome nothingNew(
      FineTuningRequested request,
      Checked training,
      DatasetBuilder.Built built,
      TreeSet<Integer> existing) {
    String why =
        nothingNewMessage(
            request.domain(), training, built, existing, request.validation() != null);
    Checked rejected =
        new Checked(
            training.role(),
            training.file(),
            training.size(),
            training.read(),
            List.of(new Issue(null, null, why)),
            1,
            null,
            true);
    Outcome outcome = reject(request, List.of(rejected));
    return Outcome.nothingNew(outcome.rejected(), why);
  }

  /**
   * @param given whether the job gave its validation file (else the hash rule split the examples)
   */
  static String nothingNewMessage(
      String domain,
      Checked training,
      DatasetBuilder.Built built,
      TreeSet<Integer> existing,
      boolean given) {
    String file = training.file().id();
    if (!given && !built.val().isEmpty()) {
      return "the "
          + built.val().size()
          + " examples of "
          + file
          + " that "
          + domain
          + " lacks all fall in the validation split (their inputs are held out): nothing new"
          + " to train on";
    }
    String in =
        existing.size() < 2
            ? "v" + (existing.isEmpty() ? "?" : existing.first())
            : "v" + existing.first() + "..v" + existing.last();
    return "all "
        + training.samples().size()
        + " examples of "
        + file
        + " are already in "
        + domain
        + " "
        + in
        + ": nothing new to train on";
  }

  /** The domain is refused before any file is read: one problem, told of the training file. */
  private Checked refusedDomain(FineTuningRequested request, String why) {
    return new Checked(
        Role.TRAINING,
        request.training(),
        0,
        null,
        List.of(Issue.file(why)),
        1,
        IngestMetrics.Reason.DOMAIN,
        false);
  }

  /**
   * Each offending file copied to {@code <domain>/<jobId>/<fileId>} in quarantine (when it can be)
   * with its report beside it; one event for the job, about the first of them, with every file's
   * problems.
   */
  private Outcome reject(FineTuningRequested request, List<Checked> offending) {
    List<Issue> issues = new ArrayList<>();
    long count = 0;
    for (Checked c : offending) {
      String key = quarantineKey(request.domain(), request.correlationId(), c.file().id());
      if (c.copy()) {
        quarantine.copy(c.file().bucket(), c.file().key(), key);
      }
      quarantine.report(
          key,
          Quarantine.ofJobFile(
              c.file().bucket() + "/" + c.file().key(),
              request.correlationId(),
              c.file().id(),
              c.role().label(),
              c.issues(),
              c.issueCount()));
      issues.addAll(c.issues());
      count += c.issueCount();
    }
    Checked first = offending.get(0);
    IngestRejected event =
        quarantine.rejected(
            EventIds.deterministic("IngestRejected", "fine-tuning job", request.correlationId()),
            request.correlationId(),
            request.domain(),
            first.file().bucket(),
            first.file().key(),
            quarantineKey(request.domain(), request.correlationId(), first.file().id()),
            issues,
            count);
    return Outcome.rejected(
        event,
        count + " problems in " + offending.stream().map(Checked::name).toList(),
        first.reason());
  }

  /** {@code <domain>/<jobId>/<fileId>}; for ids no client should address, under a hash. */
  static String quarantineKey(String domain, String job, String fileId) {
    String key = domain + "/" + job + "/" + fileId;
    return IngestService.safe(key) ? key : "_unsafe-keys/" + Hashes.sha256(key);
  }

  /** The job's ledger entry: named after the job, or a hash of an id that is no key segment. */
  static String ledgerId(FineTuningRequested request) {
    String job = request.correlationId();
    return IngestService.safe(job) && !job.contains("/") ? job : Hashes.sha256(job);
  }

  /** Notes the outcome in the ledger (with its event) and the metrics, once the event is sent. */
  public void record(FineTuningRequested request, Outcome outcome) {
    if (IngestService.badDomain(request.domain()) != null) {
      ledger.count(request.domain(), request.occurredAt(), outcome);
      return;
    }
    ledger.record(
        request.domain(),
        ledgerId(request),
        request.training().bucket() + "/" + request.training().key(),
        request.correlationId(),
        request.occurredAt(),
        outcome,
        true);
  }
}
