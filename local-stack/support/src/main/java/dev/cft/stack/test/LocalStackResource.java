package dev.cft.stack.test;

import dev.cft.stack.Ports;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Quarkus test resource: points the application under test at the shared local stack (real Kafka
 * broker + real S3 server). The stack outlives a single application start, so {@link #stop()}
 * leaves it running for the next test class.
 *
 * <p>Tests reach the same stack through {@link SharedLocalStack}: Quarkus loads this resource and
 * the test class with one class loader. (Making this module parent-first breaks that: the resource
 * would no longer be a {@code QuarkusTestResourceLifecycleManager} of the test's loader.)
 *
 * <p>The management interface (health, metrics) gets a free port of its own: with {@code
 * quarkus.management.test-port=0}, Quarkus 3.33's {@code @TestHTTPResource(management = true)} does
 * not learn the port it bound, so tests ask {@link #management(String)} instead.
 */
public final class LocalStackResource implements QuarkusTestResourceLifecycleManager {
  private static final String MANAGEMENT_TEST_PORT = "quarkus.management.test-port";

  @Override
  public Map<String, String> start() {
    Map<String, String> config = new HashMap<>(SharedLocalStack.get().serviceConfig());
    config.put(MANAGEMENT_TEST_PORT, Integer.toString(Ports.free()));
    return config;
  }

  @Override
  public void stop() {
    // Shared across test classes; stopped at JVM exit.
  }

  /** {@code path} on the running application's management interface, e.g. {@code q/metrics}. */
  public static URI management(String path) {
    int port = ConfigProvider.getConfig().getValue(MANAGEMENT_TEST_PORT, Integer.class);
    return URI.create("http://localhost:" + port + "/").resolve(path);
  }
}
