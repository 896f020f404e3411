package dev.cft.deploy.finetuning;

import dev.cft.datasets.Format;
import dev.cft.datasets.Issue;
import dev.cft.datasets.SampleReader;
import dev.cft.deploy.config.DeployConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;

/**
 * {@code POST /v1/files}: a file is read with ingest's rules (the {@code datasets} module) when it
 * is uploaded, so its record says at once whether it can be fine-tuned on and, if not, which line
 * and field are wrong. It is kept either way: nothing a caller sends is lost.
 */
@ApplicationScoped
public class UploadedFiles {
  /** Names are kept (their extension is the format) but reduced to characters safe in a key. */
  private static final Pattern UNSAFE = Pattern.compile("[^A-Za-z0-9._-]");

  private final FineTuningStore store;
  private final SampleReader reader;

  public UploadedFiles(FineTuningStore store, DeployConfig config) {
    this.store = store;
    this.reader =
        new SampleReader(
            new SampleReader.Limits(
                config.fineTuning().maxExampleTokens(), 100, SampleReader.Limits.UTF8_BYTES));
  }

  /** Validates and keeps {@code content}, uploaded as {@code filename}. */
  public FileObject upload(Path content, String filename) {
    String name = safeName(filename);
    SampleReader.Result read;
    try (InputStream in = Files.newInputStream(content)) {
      // Counted, not kept: a file of any size is checked in constant memory.
      read = reader.check(Format.readAs(name), in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the upload of " + filename, e);
    }
    List<FileObject.LineError> errors =
        read.issues().stream().map(UploadedFiles::lineError).toList();
    long count = read.issueCount();
    if (count == 0 && read.sampleCount() == 0) {
      errors = List.of(new FileObject.LineError(null, null, "has no examples (empty or blank)"));
      count = 1;
    }
    long size;
    try {
      size = Files.size(content);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    FileObject file =
        new FileObject(
            JobIds.next(JobIds.FILE),
            FileObject.OBJECT,
            size,
            Instant.now().getEpochSecond(),
            name,
            FileObject.FINE_TUNE,
            count == 0 ? FileObject.PROCESSED : FileObject.ERROR,
            count == 0 ? null : summary(count, errors),
            null,
            read.sampleCount(),
            errors);
    store.putFile(file, content);
    return file;
  }

  /** A file the pipeline made: the gate's verdict on a job's model, as a result file. */
  public FileObject result(String id, long createdAt, String filename, byte[] content) {
    FileObject file =
        new FileObject(
            id,
            FileObject.OBJECT,
            content.length,
            createdAt,
            filename,
            FileObject.RESULTS,
            FileObject.PROCESSED,
            null,
            null,
            null,
            null);
    store.putFile(file, content);
    return file;
  }

  static String safeName(String filename) {
    String base = filename == null ? "" : filename.substring(filename.lastIndexOf('/') + 1);
    base = UNSAFE.matcher(base).replaceAll("_");
    if (base.isEmpty() || base.startsWith(".")) {
      base = "upload" + base;
    }
    return base.length() > 128 ? base.substring(base.length() - 128) : base;
  }

  private static FileObject.LineError lineError(Issue issue) {
    return new FileObject.LineError(issue.line(), issue.field(), issue.message());
  }

  private static String summary(long count, List<FileObject.LineError> errors) {
    FileObject.LineError first = errors.get(0);
    return count
        + (count == 1 ? " problem" : " problems")
        + "; first: "
        + (first.line() == null ? "" : "line " + first.line() + ", ")
        + (first.field() == null ? "" : first.field() + ": ")
        + first.message();
  }
}
