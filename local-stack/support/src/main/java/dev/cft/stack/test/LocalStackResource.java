package dev.cft.stack.test;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * Quarkus test resource: points the application under test at the shared local stack (real Kafka
 * broker + real S3 server). The stack outlives a single application start, so {@link #stop()}
 * leaves it running for the next test class.
 *
 * <p>Services load this module parent-first in tests ({@code
 * %test.quarkus.class-loading.parent-first-artifacts=dev.cft:local-stack-support}) so tests and
 * this resource see the same stack.
 */
public final class LocalStackResource implements QuarkusTestResourceLifecycleManager {
  @Override
  public Map<String, String> start() {
    return SharedLocalStack.get().serviceConfig();
  }

  @Override
  public void stop() {
    // Shared across test classes; stopped at JVM exit.
  }
}
