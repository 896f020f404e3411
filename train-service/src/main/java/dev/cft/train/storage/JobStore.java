package dev.cft.train.storage;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cft.events.Buckets;
import dev.cft.events.EventJson;
import dev.cft.runtime.store.ObjectStore;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Job records in the checkpoints bucket, under {@code _jobs/}. */
@ApplicationScoped
public class JobStore {
  static final String PREFIX = "_jobs/";
  private static final String SUFFIX = ".json";
  private static final ObjectMapper JSON = EventJson.mapper();

  private final ObjectStore store;

  public JobStore(ObjectStore store) {
    this.store = store;
  }

  public Optional<JobRecord> read(String jobId) {
    return store.readIfExists(Buckets.CHECKPOINTS, key(jobId)).map(JobStore::parse);
  }

  public void write(JobRecord record) {
    try {
      store.write(
          Buckets.CHECKPOINTS,
          key(record.jobId()),
          JSON.writeValueAsBytes(record),
          "application/json");
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Every job record, of every state (other objects under the prefix are not read). */
  public List<JobRecord> all() {
    List<JobRecord> records = new ArrayList<>();
    for (ObjectStore.Entry entry : store.list(Buckets.CHECKPOINTS, PREFIX)) {
      if (!entry.key().endsWith(SUFFIX)) {
        continue;
      }
      store
          .readIfExists(Buckets.CHECKPOINTS, entry.key())
          .map(JobStore::parse)
          .ifPresent(records::add);
    }
    return records;
  }

  static String key(String jobId) {
    return PREFIX + jobId + SUFFIX;
  }

  private static JobRecord parse(byte[] bytes) {
    return EventJson.fromBytes(bytes, JobRecord.class);
  }
}
