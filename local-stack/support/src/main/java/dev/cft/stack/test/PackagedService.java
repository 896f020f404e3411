package dev.cft.stack.test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The module's packaged Quarkus application ({@code target/quarkus-app}) as a real process on the
 * shared local stack: for tests that kill it, stop it or watch it refuse to start.
 */
public final class PackagedService {
  /** The line of the log that names the management port (health and metrics). */
  public static final java.util.regex.Pattern MANAGEMENT_PORT =
      java.util.regex.Pattern.compile("Management interface listening on http://[^:]+:(\\d+)");

  private PackagedService() {}

  /**
   * Starts the application with the stack's settings and {@code options} ({@code -Dkey=value}), its
   * output in {@code log}.
   */
  public static Process start(List<String> options, Path log) throws IOException {
    return start(SharedLocalStack.get().serviceConfig(), Map.of(), options, log);
  }

  /**
   * Starts the application with {@code config} (as {@code -Dkey=value}, which wins over the
   * environment), {@code environment} added to this process's, and {@code options}.
   */
  public static Process start(
      Map<String, String> config, Map<String, String> environment, List<String> options, Path log)
      throws IOException {
    Path app = Path.of("target", "quarkus-app", "quarkus-run.jar");
    if (!Files.exists(app)) {
      throw new IllegalStateException("no packaged application at " + app + " (mvn package)");
    }
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    config.forEach((k, v) -> command.add("-D" + k + "=" + v));
    command.add("-Dquarkus.http.port=0");
    command.add("-Dquarkus.management.port=0");
    command.addAll(options);
    command.add("-jar");
    command.add(app.toString());
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().putAll(environment);
    return builder.start();
  }
}
