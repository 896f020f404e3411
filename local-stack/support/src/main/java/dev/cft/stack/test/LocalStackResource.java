package dev.cft.stack.test;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * Quarkus test resource: points the application under test at the shared local stack (real Kafka
 * broker + real S3 server). The stack outlives a single application start, so {@link #stop()}
 * leaves it running for the next test class.
 *
 * <p>Tests reach the same stack through {@link SharedLocalStack}: Quarkus loads this resource and
 * the test class with one class loader. (Making this module parent-first breaks that: the resource
 * would no longer be a {@code QuarkusTestResourceLifecycleManager} of the test's loader.)
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
