package dev.cft.stack.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options every command shares: which project and which state directory. */
final class HomeOptions {
  @Option(
      names = "--state-dir",
      defaultValue = "${env:CFT_STATE_DIR:-.pipeline}",
      description = "State: objects (s3/), Kafka data, logs, pids (default: ${DEFAULT-VALUE}).")
  Path stateDir;

  @Option(
      names = "--project-dir",
      defaultValue = "${env:CFT_PROJECT_DIR:-.}",
      description = "The project whose built services run (default: ${DEFAULT-VALUE}).")
  Path projectDir;

  StackHome home() {
    return new StackHome(projectDir, stateDir);
  }
}
