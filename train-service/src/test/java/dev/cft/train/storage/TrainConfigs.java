package dev.cft.train.storage;

import dev.cft.train.config.TrainConfig;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.time.Duration;

/** The service's configuration with its defaults, as it reads them, without starting it. */
public final class TrainConfigs {
  private TrainConfigs() {}

  public static TrainConfig defaults() {
    return new SmallRyeConfigBuilder()
        .withMapping(TrainConfig.class)
        .withConverter(Duration.class, 200, new DurationConverter()) // "10s", as Quarkus reads it
        .build()
        .getConfigMapping(TrainConfig.class);
  }
}
