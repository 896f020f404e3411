package dev.cft.deploy.finetuning;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cft.deploy.config.DeployConfig;
import dev.cft.events.Buckets;
import dev.cft.runtime.store.ObjectStore;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The API's files and jobs in their bucket. Each document has one writer: the API writes a file's
 * record and content, a job's request and its cancellation; the pipeline follower writes a job's
 * state, events and checkpoints. So no read-modify-write of one object ever races another service
 * or replica.
 *
 * <pre>
 * files/&lt;file-id&gt;.json                     the file's record (FileObject)
 * file-content/&lt;file-id&gt;/&lt;filename&gt;      its bytes, as uploaded (the name keeps the format)
 * jobs/&lt;job-id&gt;.json                       the job's request (JobRequest)
 * job-state/&lt;job-id&gt;.json                  its state (JobState)
 * job-cancel/&lt;job-id&gt;.json                 its cancellation, when cancelled
 * job-events/&lt;job-id&gt;/&lt;event-id&gt;.json     its events, in id (time) order
 * job-checkpoints/&lt;job-id&gt;/&lt;step&gt;.json    its checkpoints
 * </pre>
 */
@ApplicationScoped
public class FineTuningStore {
  private static final String JSON = "application/json";
  private static final ObjectMapper MAPPER =
      new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  /** Who cancelled a job and when (seconds). */
  public record Cancellation(long at, String by) {}

  private final ObjectStore store;
  private final String bucket;

  public FineTuningStore(ObjectStore store, DeployConfig config) {
    this.store = store;
    this.bucket = config.fineTuning().bucket();
  }

  public String bucket() {
    return bucket;
  }

  public static String contentKey(String fileId, String filename) {
    return "file-content/" + fileId + "/" + filename;
  }

  public void putFile(FileObject file, Path content) {
    store.upload(
        content, bucket, contentKey(file.id(), file.filename()), "application/octet-stream");
    write("files/" + file.id() + ".json", file);
  }

  public void putFile(FileObject file, byte[] content) {
    store.write(
        bucket, contentKey(file.id(), file.filename()), content, "application/octet-stream");
    write("files/" + file.id() + ".json", file);
  }

  public Optional<FileObject> file(String id) {
    if (!JobIds.isId(JobIds.FILE, id)) {
      return Optional.empty();
    }
    return read("files/" + id + ".json", FileObject.class);
  }

  /** Every file, oldest first. */
  public List<FileObject> files() {
    List<FileObject> files = new ArrayList<>();
    for (String id : ids("files/")) {
      file(id).ifPresent(files::add);
    }
    return files;
  }

  public byte[] content(FileObject file) {
    return store.read(bucket, contentKey(file.id(), file.filename()));
  }

  /** The record first: a file without one is not listed, whatever is left of its content. */
  public void deleteFile(FileObject file) {
    store.delete(bucket, "files/" + file.id() + ".json");
    store.delete(bucket, contentKey(file.id(), file.filename()));
  }

  public void putRequest(JobRequest request) {
    write("jobs/" + request.id() + ".json", request);
  }

  public Optional<JobRequest> request(String jobId) {
    if (!JobIds.isId(JobIds.JOB, jobId)) {
      return Optional.empty();
    }
    return read("jobs/" + jobId + ".json", JobRequest.class);
  }

  /** Job ids, oldest first. */
  public List<String> jobIds() {
    return ids("jobs/");
  }

  public JobState state(String jobId) {
    return read("job-state/" + jobId + ".json", JobState.class).orElseGet(JobState::created);
  }

  public void putState(String jobId, JobState state) {
    write("job-state/" + jobId + ".json", state);
  }

  public Optional<Cancellation> cancellation(String jobId) {
    return read("job-cancel/" + jobId + ".json", Cancellation.class);
  }

  public void putCancellation(String jobId, Cancellation cancellation) {
    write("job-cancel/" + jobId + ".json", cancellation);
  }

  public void putEvent(String jobId, JobEvent event) {
    write("job-events/" + jobId + "/" + event.id() + ".json", event);
  }

  /** Event ids, oldest first. */
  public List<String> eventIds(String jobId) {
    return ids("job-events/" + jobId + "/");
  }

  public Optional<JobEvent> event(String jobId, String eventId) {
    return read("job-events/" + jobId + "/" + eventId + ".json", JobEvent.class);
  }

  public void putCheckpoint(String jobId, JobCheckpoint checkpoint) {
    write(
        "job-checkpoints/"
            + jobId
            + "/"
            + String.format("%012d", checkpoint.stepNumber())
            + ".json",
        checkpoint);
  }

  /**
   * Checkpoints that are still in the checkpoints bucket, earliest step first: train-service
   * deletes those of jobs that ended longer ago than its retention, and a listing must not name
   * them.
   */
  public List<JobCheckpoint> checkpoints(String jobId) {
    String prefix = "job-checkpoints/" + jobId + "/";
    List<JobCheckpoint> all = new ArrayList<>();
    for (String step : ids(prefix)) {
      read(prefix + step + ".json", JobCheckpoint.class)
          .filter(c -> c.checkpointKey() == null || kept(c.checkpointKey()))
          .ifPresent(all::add);
    }
    return all;
  }

  private boolean kept(String checkpointKey) {
    return !store.list(Buckets.CHECKPOINTS, checkpointKey).isEmpty();
  }

  /** Names of the {@code .json} objects directly under {@code prefix}, in key order. */
  private List<String> ids(String prefix) {
    List<String> ids = new ArrayList<>();
    for (ObjectStore.Entry entry : store.list(bucket, prefix)) {
      String name = entry.key().substring(prefix.length());
      if (name.endsWith(".json") && name.indexOf('/') < 0) {
        ids.add(name.substring(0, name.length() - ".json".length()));
      }
    }
    return ids;
  }

  private <T> Optional<T> read(String key, Class<T> type) {
    return store
        .readIfExists(bucket, key)
        .map(
            bytes -> {
              try {
                return MAPPER.readValue(bytes, type);
              } catch (IOException e) {
                throw new UncheckedIOException(
                    "s3://" + bucket + "/" + key + " is not a " + type.getSimpleName(), e);
              }
            });
  }

  private void write(String key, Object document) {
    try {
      store.write(bucket, key, MAPPER.writeValueAsBytes(document), JSON);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
