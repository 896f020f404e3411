package dev.cft.stack;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/**
 * A JVM started by the local stack: its output appended to a log file, its stdin a pipe this
 * process holds (see {@link ChildMain}), so it ends with us however we end.
 */
public final class ChildJvm implements AutoCloseable {
  private static final Duration POLL = Duration.ofMillis(100);

  /** What to run. {@code classpath} holds {@link ChildMain}'s jar or directory too. */
  public record Spec(
      String name,
      List<String> classpath,
      String mainClass,
      List<String> args,
      List<String> jvmOptions,
      Map<String, String> environment,
      Path logFile) {
    public Spec {
      classpath = List.copyOf(classpath);
      args = List.copyOf(args);
      jvmOptions = List.copyOf(jvmOptions);
      environment = Map.copyOf(environment);
    }
  }

  private final Spec spec;
  private final Process process;
  private final long logStart;

  private ChildJvm(Spec spec, Process process, long logStart) {
    this.spec = spec;
    this.process = process;
    this.logStart = logStart;
  }

  public static ChildJvm start(Spec spec) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(spec.jvmOptions());
    command.add("-cp");
    List<String> classpath = new ArrayList<>();
    classpath.add(ownLocation());
    classpath.addAll(spec.classpath());
    command.add(String.join(File.pathSeparator, classpath));
    command.add(ChildMain.class.getName());
    command.add(spec.mainClass());
    command.addAll(spec.args());
    try {
      Files.createDirectories(spec.logFile().toAbsolutePath().getParent());
      long logStart = Files.exists(spec.logFile()) ? Files.size(spec.logFile()) : 0;
      Files.writeString(
          spec.logFile(),
          "==== " + Instant.now() + " starting " + spec.name() + "\n",
          StandardCharsets.UTF_8,
          java.nio.file.StandardOpenOption.CREATE,
          java.nio.file.StandardOpenOption.APPEND);
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(spec.logFile().toFile()))
              .redirectInput(ProcessBuilder.Redirect.PIPE);
      builder.environment().putAll(spec.environment());
      return new ChildJvm(spec, builder.start(), logStart);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + spec.name(), e);
    }
  }

  private static String ownLocation() {
    try {
      return Path.of(ChildMain.class.getProtectionDomain().getCodeSource().getLocation().toURI())
          .toString();
    } catch (java.net.URISyntaxException e) {
      throw new IllegalStateException("cannot locate the local-stack support classes", e);
    }
  }

  public String name() {
    return spec.name();
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  public Path logFile() {
    return spec.logFile();
  }

  /** Waits until the child prints a line starting with {@code marker} in this run. */
  public void awaitLogLine(String marker, Duration timeout) throws TimeoutException {
    awaitReady(() -> logSinceStart().lines().anyMatch(line -> line.startsWith(marker)), timeout);
  }

  /**
   * Waits until {@code probe} answers true; fails early, with the log's tail, if the child dies.
   */
  public void awaitReady(BooleanSupplier probe, Duration timeout) throws TimeoutException {
    Instant deadline = Instant.now().plus(timeout);
    while (true) {
      if (probe.getAsBoolean()) {
        return;
      }
      if (!process.isAlive()) {
        throw new IllegalStateException(
            spec.name()
                + " exited with code "
                + process.exitValue()
                + " before it was ready; its log ("
                + spec.logFile()
                + ") ends with:\n"
                + tail(40));
      }
      if (Instant.now().isAfter(deadline)) {
        throw new TimeoutException(
            spec.name()
                + " not ready after "
                + timeout.toSeconds()
                + " s; its log ("
                + spec.logFile()
                + ") ends with:\n"
                + tail(40));
      }
      sleep(POLL);
    }
  }

  /** The last lines this run wrote to the log. */
  public String tail(int lines) {
    List<String> all = logSinceStart().lines().toList();
    return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
  }

  private String logSinceStart() {
    try (RandomAccessFile file = new RandomAccessFile(spec.logFile().toFile(), "r")) {
      long length = file.length() - logStart;
      if (length <= 0) {
        return "";
      }
      byte[] bytes = new byte[(int) Math.min(length, 8L << 20)];
      file.seek(file.length() - bytes.length);
      file.readFully(bytes);
      return new String(bytes, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  /** Asks the child to stop: closes its stdin, so it runs its shutdown hooks and exits. */
  public void requestStop() {
    try {
      OutputStream stdin = process.getOutputStream();
      stdin.close();
    } catch (IOException e) {
      // Already closed: the child is on its way out.
    }
  }

  /** Asks the child to stop, then kills it if it has not ended within {@code grace}. */
  public void stop(Duration grace) {
    requestStop();
    try {
      if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  /** Stops children side by side: each gets {@code grace} from the same moment. */
  public static void stopAll(List<ChildJvm> children, Duration grace) {
    children.forEach(ChildJvm::requestStop);
    children.forEach(child -> child.stop(grace));
  }

  @Override
  public void close() {
    stop(Duration.ofSeconds(20));
  }

  static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
