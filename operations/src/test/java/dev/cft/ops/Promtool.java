package dev.cft.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs Prometheus' {@code promtool} (Debian package {@code prometheus}; {@code .ci/run} installs
 * it). Without it the checks are skipped, except in CI, where they must run.
 */
final class Promtool {
  private Promtool() {}

  static Path require() {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      Path candidate = Path.of(dir, "promtool");
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    String message = "promtool is not installed (apt-get install prometheus)";
    if ("true".equals(System.getenv("CI"))) {
      throw new AssertionError(message + ": CI must run these checks");
    }
    Assumptions.abort(message);
    return null;
  }

  /** Runs promtool and asserts it succeeds; returns its output. */
  static String run(Path workDir, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(require().toString());
    command.addAll(List.of(args));
    Process process =
        new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError(String.join(" ", command) + " did not end in 60 s");
    }
    assertEquals(0, process.exitValue(), String.join(" ", command) + " failed:\n" + output);
    return output;
  }
}
