package dev.cft.stack.cli;

import dev.cft.stack.Ports;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "up",
    description =
        "Starts Kafka, the S3 server and the four services in the background and returns once"
            + " every part is healthy. Does nothing if they already run.")
final class UpCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin HomeOptions options;

  @Option(names = "--kafka-port", defaultValue = "${env:CFT_KAFKA_PORT:-9092}")
  int kafkaPort;

  @Option(
      names = "--kafka-controller-port",
      defaultValue = "${env:CFT_KAFKA_CONTROLLER_PORT:-9093}")
  int kafkaControllerPort;

  @Option(names = "--s3-port", defaultValue = "${env:CFT_S3_PORT:-9000}")
  int s3Port;

  @Option(names = "--ingest-port", defaultValue = "${env:CFT_INGEST_PORT:-8081}")
  int ingestPort;

  @Option(names = "--train-port", defaultValue = "${env:CFT_TRAIN_PORT:-8082}")
  int trainPort;

  @Option(names = "--eval-port", defaultValue = "${env:CFT_EVAL_PORT:-8083}")
  int evalPort;

  @Option(names = "--deploy-port", defaultValue = "${env:CFT_DEPLOY_PORT:-8080}")
  int deployPort;

  // Each service's health and metrics (quarkus.management.port).
  @Option(
      names = "--ingest-management-port",
      defaultValue = "${env:CFT_INGEST_MANAGEMENT_PORT:-9081}")
  int ingestManagementPort;

  @Option(
      names = "--train-management-port",
      defaultValue = "${env:CFT_TRAIN_MANAGEMENT_PORT:-9082}")
  int trainManagementPort;

  @Option(names = "--eval-management-port", defaultValue = "${env:CFT_EVAL_MANAGEMENT_PORT:-9083}")
  int evalManagementPort;

  @Option(
      names = "--deploy-management-port",
      defaultValue = "${env:CFT_DEPLOY_MANAGEMENT_PORT:-9080}")
  int deployManagementPort;

  @Option(
      names = "--timeout",
      defaultValue = "180",
      description = "Seconds to wait for every part to be healthy (default: ${DEFAULT-VALUE}).")
  int timeoutSeconds;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    StackHome home = options.home();
    if (home.supervisor().isPresent()) {
      out.println("The pipeline is already running (state in " + home.stateDir() + ").");
      StackSettings settings = StackSettings.load(home.stateDir());
      return awaitHealthy(out, home, settings, null) ? 0 : 1;
    }
    for (Part service : Part.SERVICES) {
      if (!Files.exists(home.serviceJar(service))) {
        throw new IllegalStateException(
            home.serviceJar(service)
                + " is missing: build first with ./mvnw -B package -DskipTests"
                + " (./pipeline does that for you)");
      }
    }
    Map<Part, Integer> ports = new EnumMap<>(Part.class);
    ports.put(Part.KAFKA, kafkaPort);
    ports.put(Part.S3, s3Port);
    ports.put(Part.INGEST, ingestPort);
    ports.put(Part.TRAIN, trainPort);
    ports.put(Part.EVAL, evalPort);
    ports.put(Part.DEPLOY, deployPort);
    ports.forEach((part, port) -> Ports.requireFree(port, part.title, part.portSetting()));
    Map<Part, Integer> management = new EnumMap<>(Part.class);
    management.put(Part.INGEST, ingestManagementPort);
    management.put(Part.TRAIN, trainManagementPort);
    management.put(Part.EVAL, evalManagementPort);
    management.put(Part.DEPLOY, deployManagementPort);
    management.forEach(
        (part, port) ->
            Ports.requireFree(
                port, part.title + " (health, metrics)", part.managementPortSetting()));
    Ports.requireFree(
        kafkaControllerPort,
        "Kafka controller",
        "--kafka-controller-port or CFT_KAFKA_CONTROLLER_PORT");

    StackSettings settings =
        StackSettings.fresh(ports, management, kafkaControllerPort, home.stateDir());
    settings.save(home.stateDir());
    out.println("Starting the pipeline (state in " + home.stateDir() + ")");
    Process supervisor = startSupervisor(home);
    return awaitHealthy(out, home, settings, supervisor) ? 0 : 1;
  }

  private Process startSupervisor(StackHome home) throws IOException {
    List<String> command = new ArrayList<>();
    // Its own session: closing the terminal that ran `up` must not take the pipeline down.
    if (Files.isExecutable(Path.of("/usr/bin/setsid"))) {
      command.add("/usr/bin/setsid");
    }
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx128m");
    command.add("-XX:+UseSerialGC");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(Pipeline.class.getName());
    command.add("supervise");
    command.add("--state-dir=" + home.stateDir());
    command.add("--project-dir=" + home.projectDir());
    Files.createDirectories(home.logDir());
    return new ProcessBuilder(command)
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(home.logFile("supervisor").toFile()))
        .start();
  }

  /** Prints each part as it becomes healthy; false on time-out or if the supervisor died. */
  private boolean awaitHealthy(
      PrintWriter out, StackHome home, StackSettings settings, Process supervisor)
      throws InterruptedException {
    HealthProbe probe = new HealthProbe(settings);
    Instant start = Instant.now();
    Instant deadline = start.plusSeconds(timeoutSeconds);
    Set<Part> healthy = EnumSet.noneOf(Part.class);
    Map<Part, HealthProbe.Health> last = new EnumMap<>(Part.class);
    while (healthy.size() < Part.values().length) {
      for (Part part : Part.values()) {
        if (healthy.contains(part)) {
          continue;
        }
        HealthProbe.Health health = probe.check(part);
        last.put(part, health);
        if (health.up()) {
          healthy.add(part);
          double seconds = Duration.between(start, Instant.now()).toMillis() / 1000.0;
          out.printf("  %-16s UP    %-40s (%.1f s)%n", part.title, health.detail(), seconds);
        }
      }
      if (healthy.size() == Part.values().length) {
        break;
      }
      if (supervisor != null && !supervisor.isAlive()) {
        out.println("The supervisor stopped; see " + home.logFile("supervisor"));
        printNotHealthy(out, home, last, healthy);
        return false;
      }
      if (Instant.now().isAfter(deadline)) {
        out.println("Not healthy after " + timeoutSeconds + " s:");
        printNotHealthy(out, home, last, healthy);
        return false;
      }
      Thread.sleep(500);
    }
    out.println();
    out.println("The pipeline is up:");
    out.println("  Kafka bootstrap   " + settings.kafkaBootstrap());
    out.println(
        "  S3 endpoint       "
            + settings.s3Endpoint()
            + "  (access key "
            + settings.accessKey()
            + ", secret in "
            + home.stateDir().resolve(StackSettings.FILE)
            + ")");
    out.println("  drop files into   " + home.stateDir().resolve("s3/ingest") + "/<domain>/");
    for (Part service : Part.SERVICES) {
      out.printf("  %-17s %s%n", service.title, settings.serviceUrl(service));
    }
    out.println(
        "  admin key         deploy.admin-key in "
            + home.stateDir().resolve(StackSettings.FILE)
            + " (Authorization: Bearer <key> for rollback)");
    out.println("Stop it with ./pipeline down; logs: ./pipeline logs <part>.");
    return true;
  }

  private static void printNotHealthy(
      PrintWriter out, StackHome home, Map<Part, HealthProbe.Health> last, Set<Part> healthy) {
    for (Part part : Part.values()) {
      if (!healthy.contains(part) && last.containsKey(part)) {
        out.printf(
            "  %-16s DOWN  %s  (log: %s)%n",
            part.title, last.get(part).detail(), home.logFile(part.id));
      }
    }
  }
}
