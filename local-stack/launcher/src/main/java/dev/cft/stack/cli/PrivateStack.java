package dev.cft.stack.cli;

import dev.cft.stack.Ports;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A stack of a bench's own: free ports, a temporary state directory, stopped and deleted when
 * closed, so a bench never touches the pipeline {@code ./pipeline up} runs.
 */
final class PrivateStack implements AutoCloseable {
  final Path state;
  final StackSettings settings;
  private final PrintWriter out;
  private final PrintWriter err;

  private PrivateStack(Path state, StackSettings settings, PrintWriter out, PrintWriter err) {
    this.state = state;
    this.settings = settings;
    this.out = out;
    this.err = err;
  }

  /**
   * Starts one.
   *
   * @throws IllegalStateException when {@code up} fails (it has said why)
   */
  static PrivateStack start(PrintWriter out, PrintWriter err, Path projectDir) throws IOException {
    Path state = Files.createTempDirectory("cft-bench-");
    List<String> up =
        new ArrayList<>(List.of("up", "--state-dir=" + state, "--project-dir=" + projectDir));
    for (String part : Part.portOptions()) {
      up.add("--" + part + "-port=" + Ports.free());
    }
    if (Pipeline.execute(out, err, up.toArray(String[]::new)) != 0) {
      Pipeline.execute(out, err, "down", "--state-dir=" + state);
      deleteTree(state);
      throw new IllegalStateException("the bench's stack did not start (see above)");
    }
    try {
      return new PrivateStack(state, StackSettings.load(state), out, err);
    } catch (RuntimeException e) {
      Pipeline.execute(out, err, "down", "--state-dir=" + state);
      deleteTree(state);
      throw e;
    }
  }

  StackHome home(Path projectDir) {
    return new StackHome(projectDir, state);
  }

  @Override
  public void close() {
    Pipeline.execute(out, err, "down", "--state-dir=" + state);
    deleteTree(state);
  }

  static void deleteTree(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    } catch (IOException e) {
      // a temporary directory: what is left, the system cleans
    }
  }
}
