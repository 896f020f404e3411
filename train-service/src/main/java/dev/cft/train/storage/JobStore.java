package dev.cft.train.storage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cft.events.Buckets;
import dev.cft.events.EventJson;
import dev.cft.runtime.store.ObjectStore;
import dev.cft.train.config.TrainConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Job records in the checkpoints bucket, under {@code _jobs/}. A record written by an earlier
 * version of the service lacks the settings added since: they read as this service's defaults.
 */
@ApplicationScoped
public class JobStore {
  static final String PREFIX = "_jobs/";
  private static final String SUFFIX = ".json";
  private static final Logger LOG = Logger.getLogger(JobStore.class);
  private static final ObjectMapper JSON = EventJson.mapper();

  private final ObjectStore store;
  private final JobSettings defaults;

  public JobStore(ObjectStore store, TrainConfig config) {
    this.store = store;
    this.defaults = JobSettings.of(config);
  }

  public Optional<JobRecord> read(String jobId) {
    return store.readIfExists(Buckets.CHECKPOINTS, key(jobId)).map(this::parse);
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
      try {
        store
            .readIfExists(Buckets.CHECKPOINTS, entry.key())
            .map(this::parse)
            .ifPresent(records::add);
      } catch (IllegalArgumentException e) {
        // One unreadable record must not stop the recovery of the others.
        LOG.warnf("job record %s is unreadable, skipped: %s", entry.key(), e.getMessage());
      }
    }
    return records;
  }

  static String key(String jobId) {
    return PREFIX + jobId + SUFFIX;
  }

  /**
   * @throws IllegalArgumentException saying what is wrong with the record
   */
  JobRecord parse(byte[] bytes) {
    try {
      JsonNode node = JSON.readTree(bytes);
      if (node instanceof ObjectNode record && record.path("settings").isObject()) {
        record.set("settings", JSON.valueToTree(defaults.with(record.get("settings"))));
      }
      return JSON.treeToValue(node, JobRecord.class);
    } catch (IOException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }
}
