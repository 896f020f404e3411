package dev.cft.stack.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Where a local pipeline lives: the project (built services) and its state directory. */
record StackHome(Path projectDir, Path stateDir) {
  StackHome {
    projectDir = projectDir.toAbsolutePath().normalize();
    stateDir = stateDir.toAbsolutePath().normalize();
  }

  Path logDir() {
    return stateDir.resolve("logs");
  }

  Path logFile(String part) {
    return logDir().resolve(part + ".log");
  }

  Path pidDir() {
    return stateDir.resolve("pids");
  }

  Path pidFile(String name) {
    return pidDir().resolve(name + ".pid");
  }

  /** The packaged Quarkus application of a service. */
  Path serviceJar(Part service) {
    return projectDir.resolve(service.title).resolve("target/quarkus-app/quarkus-run.jar");
  }

  /** Records a process as {@code <pid> <start instant>}: a reused pid never passes for ours. */
  void writePid(String name, long pid) {
    String started =
        ProcessHandle.of(pid)
            .flatMap(p -> p.info().startInstant())
            .map(Object::toString)
            .orElse("");
    try {
      Files.createDirectories(pidDir());
      Files.writeString(pidFile(name), pid + " " + started);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The live process recorded under {@code name}, if it is still the one recorded. */
  Optional<ProcessHandle> process(String name) {
    Path file = pidFile(name);
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    try {
      String[] recorded = Files.readString(file).trim().split(" ", 2);
      String started = recorded.length > 1 ? recorded[1] : "";
      return ProcessHandle.of(Long.parseLong(recorded[0]))
          .filter(ProcessHandle::isAlive)
          .filter(p -> p.info().startInstant().map(Object::toString).orElse("").equals(started));
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  Optional<ProcessHandle> supervisor() {
    return process("supervisor");
  }
}
