package dev.cft.stack.cli;

import dev.cft.stack.Ports;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(
    name = "down",
    description = "Stops every part the last `up` started; keeps the data under the state dir.")
final class DownCommand implements Callable<Integer> {
  private static final long SUPERVISOR_GRACE_S = 90;
  private static final long CHILD_GRACE_S = 20;

  @Spec CommandSpec spec;
  @Mixin HomeOptions options;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    StackHome home = options.home();
    List<String> names = new ArrayList<>();
    names.add("supervisor");
    for (Part part : Part.values()) {
      names.add(part.id);
    }
    Optional<ProcessHandle> supervisor = home.supervisor();
    if (supervisor.isPresent()) {
      out.println("Stopping the pipeline (pid " + supervisor.get().pid() + ")");
      // SIGTERM: the supervisor stops the services, then the S3 server and Kafka.
      stop(supervisor.get(), SUPERVISOR_GRACE_S);
    }
    int orphans = 0;
    for (String name : names) {
      Optional<ProcessHandle> process = home.process(name);
      if (process.isPresent()) {
        // Only after a supervisor that could not stop its children in time.
        out.println("Stopping left-over " + name + " (pid " + process.get().pid() + ")");
        stop(process.get(), CHILD_GRACE_S);
        orphans++;
      }
      deleteQuietly(home, name);
    }
    if (supervisor.isEmpty() && orphans == 0) {
      out.println("The pipeline is not running.");
    }
    int stillBound = 0;
    if (Files.exists(home.stateDir().resolve(StackSettings.FILE))) {
      StackSettings settings = StackSettings.load(home.stateDir());
      for (Part part : Part.values()) {
        if (Ports.isListening(settings.port(part))) {
          out.println(
              "warning: port " + settings.port(part) + " (" + part.title + ") is still in use");
          stillBound++;
        }
      }
    }
    if (stillBound == 0 && (supervisor.isPresent() || orphans > 0)) {
      out.println("Stopped. Data stays in " + home.stateDir() + ".");
    }
    return stillBound == 0 ? 0 : 1;
  }

  private static void stop(ProcessHandle process, long graceSeconds) throws Exception {
    process.destroy();
    try {
      process.onExit().get(graceSeconds, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      process.destroyForcibly();
      process.onExit().get(10, TimeUnit.SECONDS);
    }
  }

  private static void deleteQuietly(StackHome home, String name) {
    try {
      Files.deleteIfExists(home.pidFile(name));
    } catch (IOException e) {
      // A stale pid file is re-checked against the live process on every use.
    }
  }
}
