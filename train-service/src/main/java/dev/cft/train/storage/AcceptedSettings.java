package dev.cft.train.storage;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cft.events.Buckets;
import dev.cft.events.DatasetReady;
import dev.cft.events.ModelKeys;
import dev.cft.runtime.store.ObjectStore;
import dev.cft.train.config.TrainConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;

/**
 * The settings a job is accepted with, fixed in its record from then on: the configured ones, with
 * the domain's {@code training.json} applied if it has one, then what the API job asked for if the
 * version was made for one.
 */
@ApplicationScoped
public class AcceptedSettings {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final ObjectStore store;
  private final TrainConfig config;

  public AcceptedSettings(ObjectStore store, TrainConfig config) {
    this.store = store;
    this.config = config;
  }

  /** What every job starts from: this worker's configuration. */
  public JobSettings configured() {
    return JobSettings.of(config);
  }

  /**
   * @throws IllegalArgumentException saying which of them is wrong, and how
   */
  public JobSettings of(DatasetReady ready) {
    JobSettings settings = configured();
    String training = ModelKeys.training(ready.domain());
    var overrides = store.readIfExists(Buckets.MODELS, training);
    if (overrides.isPresent()) {
      try {
        settings = settings.with(JSON.readTree(overrides.get()));
      } catch (IOException e) {
        throw new IllegalArgumentException(training + ": is not valid JSON: " + e.getMessage(), e);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(training + ": " + e.getMessage(), e);
      }
    }
    try {
      return settings.withFineTuning(ready.fineTuning());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "fine-tuning job " + ready.fineTuning().jobId() + ": " + e.getMessage(), e);
    }
  }
}
