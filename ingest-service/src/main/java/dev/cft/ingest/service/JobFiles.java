package dev.cft.ingest.service;

import dev.cft.datasets.Format;
import dev.cft.datasets.Issue;
import dev.cft.datasets.Sample;
import dev.cft.datasets.SampleReader;
import dev.cft.events.FineTuningRequested;
import dev.cft.events.documents.DatasetManifest;
import dev.cft.ingest.metrics.IngestMetrics;
import dev.cft.runtime.store.ObjectStore;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The files of an API fine-tuning job, judged by the rules of dropped files ({@link SampleFiles}):
 * every problem's message names the file it is in ({@code validation file file-…: …}).
 */
@ApplicationScoped
public class JobFiles {
  /** What a file of a job is to it. */
  public enum Role {
    TRAINING,
    VALIDATION;

    String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /**
   * One file, checked.
   *
   * @param read null when the file was not read (not there, too large, an unsafe key)
   * @param issues the problems found, each naming the file
   * @param copy whether the original can be copied to quarantine (it is there, under a safe key)
   */
  public record Checked(
      Role role,
      FineTuningRequested.File file,
      long size,
      SampleFiles.Read read,
      List<Issue> issues,
      long issueCount,
      IngestMetrics.Reason reason,
      boolean copy) {

    public String name() {
      return JobFiles.name(role, file);
    }

    public boolean valid() {
      return issueCount == 0;
    }

    /** The file as a source of a dataset version's manifest (read, so {@code read} is set). */
    public DatasetManifest.Source source() {
      return new DatasetManifest.Source(
          role.label(), file.id(), null, file.bucket(), file.key(), size, null, read.sha256());
    }

    public List<Sample> samples() {
      return read == null
          ? List.of()
          : read.result().samples().stream().map(SampleReader.Line::sample).toList();
    }

    /** This file with one more problem of the file as a whole. */
    Checked with(String problem, IngestMetrics.Reason why) {
      List<Issue> more = new ArrayList<>(issues);
      more.add(named(name(), Issue.file(problem)));
      return new Checked(role, file, size, read, more, issueCount + 1, why, copy);
    }
  }

  private final ObjectStore store;
  private final SampleFiles files;
  private final IngestMetrics metrics;

  public JobFiles(ObjectStore store, SampleFiles files, IngestMetrics metrics) {
    this.store = store;
    this.files = files;
    this.metrics = metrics;
  }

  /** {@code training file file-…}: how messages name a job's file. */
  static String name(Role role, FineTuningRequested.File file) {
    return role.label() + " file " + file.id();
  }

  static Issue named(String name, Issue issue) {
    return new Issue(issue.line(), issue.field(), name + ": " + issue.message());
  }

  public Checked check(String domain, Role role, FineTuningRequested.File file) {
    String bucket = file.bucket();
    String key = file.key();
    if (!IngestService.safe(key)) {
      return unread(
          domain,
          role,
          file,
          0,
          "key '" + key + "' has an empty, '.' or '..' segment: refused unread",
          IngestMetrics.Reason.KEY,
          false);
    }
    Optional<ObjectStore.Entry> stored =
        store.list(bucket, key).stream().filter(e -> e.key().equals(key)).findFirst();
    if (stored.isEmpty()) {
      return unread(
          domain,
          role,
          file,
          0,
          "is not in the store (s3://" + bucket + "/" + key + ")",
          IngestMetrics.Reason.UNREADABLE,
          false);
    }
    long size = stored.get().size();
    String tooLarge = files.tooLarge(size);
    if (tooLarge != null) {
      return unread(domain, role, file, size, tooLarge, IngestMetrics.Reason.TOO_LARGE, true);
    }
    SampleFiles.Read read = files.read(bucket, key, Format.readAs(key));
    SampleReader.Result result = read.result();
    List<Issue> issues = new ArrayList<>(result.issues());
    long count = result.issueCount();
    if (result.samples().isEmpty() && result.valid()) {
      issues.add(Issue.file(IngestService.NO_EXAMPLES));
      count++;
    }
    metrics.read(domain, size, result.samples().size(), count);
    String name = name(role, file);
    return new Checked(
        role,
        file,
        size,
        read,
        issues.stream().map(i -> named(name, i)).toList(),
        count,
        count == 0 ? null : IngestService.reason(result, issues),
        true);
  }

  private Checked unread(
      String domain,
      Role role,
      FineTuningRequested.File file,
      long size,
      String problem,
      IngestMetrics.Reason reason,
      boolean copy) {
    metrics.read(domain, size, 0, 1);
    return new Checked(role, file, size, null, List.of(), 0, null, copy).with(problem, reason);
  }
}
