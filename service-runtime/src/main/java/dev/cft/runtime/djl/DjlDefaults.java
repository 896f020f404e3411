package dev.cft.runtime.djl;

import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * DJL settings that must be system properties before the engine loads: offline (no engine download,
 * no call home to a cloud metadata address). An operator's own {@code -D} wins.
 */
@Startup
@ApplicationScoped
public class DjlDefaults {
  @PostConstruct
  void apply() {
    if (System.getProperty("ai.djl.offline") == null) {
      System.setProperty("ai.djl.offline", "true");
    }
  }
}
