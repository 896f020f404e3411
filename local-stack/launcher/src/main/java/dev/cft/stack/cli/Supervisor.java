package dev.cft.stack.cli;

import dev.cft.stack.ChildJvm;
import dev.cft.stack.LocalStack;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The long-lived parent of a local pipeline: it starts Kafka, the S3 server and the four services
 * as its children and holds their stdin pipes, so that however it ends (SIGTERM from {@code down},
 * SIGKILL, a crash) no child outlives it.
 */
final class Supervisor {
  private static final Duration STOP_GRACE = Duration.ofSeconds(30);

  private final StackHome home;
  private final StackSettings settings;
  private final Map<Part, ChildJvm> services = new EnumMap<>(Part.class);
  private LocalStack stack;

  Supervisor(StackHome home, StackSettings settings) {
    this.home = home;
    this.settings = settings;
  }

  void run() throws Exception {
    home.writePid("supervisor", ProcessHandle.current().pid());
    Runtime.getRuntime().addShutdownHook(new Thread(this::stop, "supervisor-stop"));
    log("starting Kafka on " + settings.kafkaBootstrap() + ", S3 on " + settings.s3Endpoint());
    LocalStack.Settings stackSettings = settings.localStack(home.stateDir());
    synchronized (this) {
      stack = LocalStack.start(stackSettings);
      stack.processes().forEach(child -> home.writePid(child.name(), child.pid()));
      for (Part service : Part.SERVICES) {
        ChildJvm child = ChildJvm.start(serviceSpec(service));
        services.put(service, child);
        home.writePid(service.id, child.pid());
      }
    }
    log("all parts started");
    watch();
  }

  /** Reports a child that ends on its own; the others keep running so its log can be read. */
  private void watch() throws InterruptedException {
    Set<String> reported = new HashSet<>();
    while (true) {
      List<ChildJvm> children = new ArrayList<>(services.values());
      synchronized (this) {
        children.addAll(stack.processes());
      }
      for (ChildJvm child : children) {
        if (!child.isAlive() && reported.add(child.name())) {
          log(child.name() + " exited; its log: " + child.logFile());
        }
      }
      Thread.sleep(1000);
    }
  }

  private ChildJvm.Spec serviceSpec(Part service) {
    Map<String, String> env =
        Map.of(
            "QUARKUS_HTTP_HOST", "127.0.0.1",
            "QUARKUS_HTTP_PORT", Integer.toString(settings.port(service)),
            "QUARKUS_MANAGEMENT_HOST", "127.0.0.1",
            "QUARKUS_MANAGEMENT_PORT", Integer.toString(settings.managementPort(service)),
            "KAFKA_BOOTSTRAP_SERVERS", settings.kafkaBootstrap(),
            "CFT_S3_ENDPOINT", settings.s3Endpoint(),
            "CFT_S3_ACCESS_KEY", settings.accessKey(),
            "CFT_S3_SECRET_KEY", settings.secretKey(),
            "CFT_DEPLOY_KEYS_ADMIN", settings.adminKey());
    return new ChildJvm.Spec(
        service.title,
        List.of(home.serviceJar(service).toString()),
        "io.quarkus.bootstrap.runner.QuarkusEntryPoint",
        List.of(),
        List.of(
            "-Xmx384m",
            "-XX:+UseSerialGC",
            "-Djava.util.logging.manager=org.jboss.logmanager.LogManager"),
        env,
        home.logFile(service.id));
  }

  private synchronized void stop() {
    log("stopping");
    ChildJvm.stopAll(new ArrayList<>(services.values()), STOP_GRACE);
    if (stack != null) {
      stack.close();
    }
    log("stopped");
  }

  private static void log(String message) {
    System.out.println(Instant.now() + " supervisor: " + message);
    System.out.flush();
  }
}
