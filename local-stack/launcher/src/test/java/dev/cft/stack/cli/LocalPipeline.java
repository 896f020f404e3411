package dev.cft.stack.cli;

import dev.cft.stack.Ports;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A pipeline of a test's own, run as a person runs {@code ./pipeline} (in this JVM, through {@link
 * Pipeline#execute}): before each test a fresh state directory under {@code target/<dir>/} and a
 * free port for every part; after it, {@code down}. Every command's output is echoed.
 *
 * <pre>{@code @RegisterExtension final LocalPipeline pipeline = new LocalPipeline("flow-it");}
 * </pre>
 */
final class LocalPipeline implements BeforeEachCallback, AfterEachCallback {
  static final Path PROJECT = Path.of("../..").toAbsolutePath().normalize();

  /** The parts' port options of {@code up}, without {@code --} and {@code -port}. */
  static final List<String> PARTS = Part.portOptions();

  private static final List<String> SERVICES = List.of("ingest", "train", "eval", "deploy");

  /** What a command printed, and its exit code. */
  record Run(int exitCode, String out, String err) {
    /** Both outputs, as a terminal shows them. */
    String shown() {
      return out + err;
    }
  }

  private final String dir;
  private final Map<String, Integer> ports = new LinkedHashMap<>();
  private final List<AutoCloseable> afterDown = new ArrayList<>();
  private Path state;

  LocalPipeline(String dir) {
    this.dir = dir;
  }

  @Override
  public void beforeEach(ExtensionContext context) throws IOException {
    state = Files.createTempDirectory(Files.createDirectories(Path.of("target", dir)), "state");
    ports.clear();
    for (String part : PARTS) {
      ports.put(part, Ports.free());
    }
  }

  @Override
  public void afterEach(ExtensionContext context) throws Exception {
    run("down");
    for (AutoCloseable resource : afterDown) {
      resource.close();
    }
    afterDown.clear();
  }

  /** {@code command} with this pipeline's state and project directories. */
  Run run(String... command) {
    List<String> args = new ArrayList<>(List.of(command));
    args.add("--state-dir=" + state);
    args.add("--project-dir=" + PROJECT);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        Pipeline.execute(
            new PrintWriter(out, true), new PrintWriter(err, true), args.toArray(String[]::new));
    Run run = new Run(code, out.toString(), err.toString());
    System.out.println(run.shown());
    return run;
  }

  /** {@code command} (one that starts the stack: up, demo, base pull) on this pipeline's ports. */
  Run withPorts(String... command) {
    List<String> args = new ArrayList<>(List.of(command));
    ports.forEach((part, port) -> args.add("--" + part + "-port=" + port));
    return run(args.toArray(String[]::new));
  }

  Run up() {
    return withPorts("up");
  }

  /** Closed after the test's {@code down}: what the test started beside the stack. */
  void closeAfterDown(AutoCloseable resource) {
    afterDown.add(resource);
  }

  /** Uses {@code port} for {@code part} from now on. */
  void usePort(String part, int port) {
    if (!ports.containsKey(part)) {
      throw new IllegalArgumentException("no part " + part + " in " + PARTS);
    }
    ports.put(part, port);
  }

  int port(String part) {
    return ports.get(part);
  }

  Collection<Integer> ports() {
    return List.copyOf(ports.values());
  }

  /** The services' base URLs, by service. */
  Map<String, String> services() {
    Map<String, String> services = new TreeMap<>();
    SERVICES.forEach(s -> services.put(s, "http://127.0.0.1:" + port(s)));
    return services;
  }

  /** The services' management interfaces (health, metrics), by service. */
  Map<String, String> management() {
    Map<String, String> management = new TreeMap<>();
    SERVICES.forEach(s -> management.put(s, "http://127.0.0.1:" + port(s + "-management")));
    return management;
  }

  Path state() {
    return state;
  }

  /** What {@code up} wrote down: addresses, keys. */
  StackSettings settings() {
    return StackSettings.load(state);
  }

  StackHome home() {
    return new StackHome(PROJECT, state);
  }
}
