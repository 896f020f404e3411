package dev.cft.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cft.events.Buckets;
import dev.cft.events.Topics;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Checks {@code docker-compose.yml} and the images it builds against the code, without Docker:
 * topics, buckets, ports, config names, mounted paths and Dockerfiles must agree with what the
 * services actually use.
 */
class ComposeFileTest {
  static final List<String> APP_SERVICES =
      List.of("ingest-service", "train-service", "eval-service", "deploy-service");
  static final String GPU_SERVICE = "train-service-gpu";
  static final List<String> INIT_SERVICES = List.of("kafka-init", "minio-init");
  static final List<String> INFRA_SERVICES = List.of("kafka", "minio", "prometheus", "grafana");
  static final List<String> APP_ENV =
      List.of(
          "KAFKA_BOOTSTRAP_SERVERS", "CFT_S3_ENDPOINT", "CFT_S3_ACCESS_KEY", "CFT_S3_SECRET_KEY");
  static final String HEALTH_PATH = "/q/health/ready";

  private final Compose compose = Compose.load();
  private final Path root = compose.root();

  @Test
  void expectedServicesExistAndStartWithoutProfiles() {
    Set<String> expected = new LinkedHashSet<>(INFRA_SERVICES);
    expected.addAll(INIT_SERVICES);
    expected.addAll(APP_SERVICES);
    Set<String> missing = new TreeSet<>(expected);
    missing.add(GPU_SERVICE);
    missing.removeAll(compose.services());
    assertEquals(Set.of(), missing, "docker-compose.yml services: missing");
    for (String service : expected) {
      assertEquals(
          List.of(),
          compose.profiles(service),
          where(service, "profiles") + ": must start with a plain `docker compose up`");
    }
  }

  @Test
  void longRunningServicesHaveHealthchecksAndRestart() {
    for (String service : longRunning()) {
      assertNotNull(compose.healthcheck(service), where(service, "healthcheck") + ": missing");
      String restart = compose.service(service).path("restart").asText("");
      assertTrue(
          Set.of("unless-stopped", "always", "on-failure").contains(restart),
          where(service, "restart") + ": a long-running service restarts, found '" + restart + "'");
    }
  }

  @Test
  void initServicesRunOnceAndAreAwaitedToCompletion() {
    Map<String, Set<String>> awaitedBy = new HashMap<>();
    for (String service : compose.services()) {
      compose
          .dependsOn(service)
          .forEach(
              (dependency, condition) -> {
                if (condition.equals("service_completed_successfully")) {
                  awaitedBy.computeIfAbsent(dependency, d -> new TreeSet<>()).add(service);
                }
              });
    }
    assertEquals(
        new TreeSet<>(INIT_SERVICES),
        new TreeSet<>(awaitedBy.keySet()),
        "docker-compose.yml: the services awaited with service_completed_successfully must be the"
            + " one-shot init services (an init nobody awaits also makes `up --wait` fail)");
    for (String init : INIT_SERVICES) {
      String restart = compose.service(init).path("restart").asText("no");
      assertTrue(
          restart.equals("no") || restart.equals("false"),
          where(init, "restart")
              + ": a one-shot service must not restart, found '"
              + restart
              + "'");
    }
  }

  @Test
  void dependenciesExistAndHaveNoCycle() {
    for (String service : compose.services()) {
      for (String dependency : compose.dependsOn(service).keySet()) {
        assertTrue(
            compose.services().contains(dependency),
            where(service, "depends_on") + ": no service " + dependency);
      }
    }
    Set<String> done = new LinkedHashSet<>();
    for (String service : compose.services()) {
      visit(service, new ArrayDeque<>(), done);
    }
  }

  @Test
  void servicesWaitForKafkaAndS3HealthyAndInitialised() {
    assertWaits("kafka-init", "kafka", "service_healthy");
    assertWaits("minio-init", "minio", "service_healthy");
    for (String service : compose.services()) {
      if (service.equals("kafka")) {
        continue; // its own advertised address
      }
      String env = String.join(" ", compose.environment(service).values());
      if (env.contains(kafkaAddress())) {
        assertWaits(service, "kafka", "service_healthy");
        assertWaits(service, "kafka-init", "service_completed_successfully");
      }
      if (env.contains("//minio:")) {
        assertWaits(service, "minio", "service_healthy");
        assertWaits(service, "minio-init", "service_completed_successfully");
      }
    }
    // MinIO checks its Kafka notification target at start.
    assertWaits("minio", "kafka-init", "service_completed_successfully");
    for (String service : builtServices()) {
      assertTrue(
          compose.environment(service).containsKey("KAFKA_BOOTSTRAP_SERVERS")
              && compose.environment(service).containsKey("CFT_S3_ENDPOINT"),
          where(service, "environment") + ": an app service talks to Kafka and S3");
    }
  }

  @Test
  void appPortsAreTheirModulesQuarkusHttpPort() {
    for (String service : builtServices()) {
      ModuleConfig module = ModuleConfig.of(root, moduleOf(service));
      int port = module.httpPort();
      String source = module.module() + "'s quarkus.http.port " + port;
      assertEquals(
          Set.of(port),
          compose.containerPorts(service),
          where(service, "ports/expose") + ": " + source);
      for (Compose.Port mapping : compose.ports(service)) {
        if (mapping.published() != null) {
          assertEquals(
              port, mapping.published(), where(service, "ports.published") + ": " + source);
        }
      }
      assertEquals(
          String.valueOf(port),
          compose.environment(service).get("QUARKUS_HTTP_PORT"),
          where(service, "environment.QUARKUS_HTTP_PORT") + ": " + source);
      assertEquals(
          String.valueOf(port),
          compose.buildArgs(service).get("HTTP_PORT"),
          where(service, "build.args.HTTP_PORT") + " (EXPOSE): " + source);
      assertEquals(
          String.valueOf(module.managementPort()),
          compose.buildArgs(service).get("MANAGEMENT_PORT"),
          where(service, "build.args.MANAGEMENT_PORT") + " (EXPOSE)");
    }
  }

  @Test
  void appHealthchecksProbeReadinessOnTheirManagementPortWithAToolTheImageHas() {
    Pattern probe =
        Pattern.compile("^CMD (\\S+) .*http://(?:localhost|127\\.0\\.0\\.1):(\\d+)(/\\S*)$");
    for (String service : builtServices()) {
      String check = compose.healthcheck(service);
      String where = where(service, "healthcheck.test");
      assertNotNull(check, where + ": missing");
      Matcher matcher = probe.matcher(check);
      assertTrue(
          matcher.matches(), where + ": expected CMD <tool> ... http://localhost:<port>/...");
      assertEquals(HEALTH_PATH, matcher.group(3), where);
      assertEquals(
          ModuleConfig.of(root, moduleOf(service)).managementPort(),
          Integer.parseInt(matcher.group(2)),
          where + ": the management port");
      assertEquals("curl", matcher.group(1), where + ": every app image probes with curl");
      assertTrue(
          Pattern.compile("\\s(-\\w*f\\w*|--fail)\\s").matcher(check).find(),
          where + ": without --fail curl succeeds on a 503 (DOWN)");
      Dockerfile image = dockerfileOf(service);
      assertTrue(
          Pattern.compile("(?m)^.*apt-get install .*\\bcurl\\b")
              .matcher(image.runtimeStage())
              .find(),
          image + ": the runtime stage must install curl for " + where);
    }
  }

  /** MinIO's release that fixes CVE-2025-62506; the community edition is source-only since. */
  static final String MINIO_FIXED = "RELEASE.2025-10-15T17-29-55Z";

  /**
   * MinIO is built from source at a release with the October 2025 fix (no published image has it),
   * in Compose and in the local Kubernetes overlay alike, and Kafka runs the release the pipeline's
   * clients and embedded broker are built on.
   */
  @Test
  void minioHasTheOctober2025FixAndKafkaMatchesTheClients() throws Exception {
    JsonNode minio = compose.service("minio");
    String release = minio.path("build").path("args").path("MINIO_RELEASE").asText();
    assertEquals(
        "docker/minio", minio.path("build").path("context").asText(), where("minio", "build"));
    assertTrue(
        release.compareTo(MINIO_FIXED) >= 0, where("minio", "MINIO_RELEASE") + ": " + release);
    assertEquals("cft/minio:" + release, minio.path("image").asText(), where("minio", "image"));
    String dockerfile = Files.readString(root.resolve("docker/minio/Dockerfile"));
    assertTrue(
        dockerfile.contains("ARG MINIO_RELEASE=" + release),
        "docker/minio/Dockerfile builds " + release + " by default");
    String kafka = "apache/kafka:" + RootPom.read(root).property("kafka.version");
    List<String> images = new ArrayList<>();
    for (String service : compose.services()) {
      images.add(compose.service(service).path("image").asText());
    }
    try (var overlay = Files.list(root.resolve("k8s/overlays/local"))) {
      for (Path file : overlay.filter(f -> f.toString().endsWith(".yaml")).toList()) {
        java.util.regex.Matcher image =
            Pattern.compile("image:\\s*(\\S+)").matcher(Files.readString(file));
        while (image.find()) {
          images.add(image.group(1));
        }
      }
    }
    for (String image : images) {
      if (image.startsWith("apache/kafka:")) {
        assertEquals(kafka, image, "the broker's release is the clients' (pom.xml kafka.version)");
      }
      if (image.contains("/minio:")) {
        assertEquals("cft/minio:" + release, image, "one MinIO, built with the fix");
      }
    }
    assertTrue(images.contains(kafka), "no " + kafka + " in " + images);
  }

  /** Prometheus (prometheus-compose.yml) scrapes each service where its metrics are. */
  @Test
  void prometheusScrapesEachServiceOnItsManagementPort() {
    Set<String> scraped = new TreeSet<>();
    JsonNode config =
        Compose.readYaml(root.resolve("k8s/monitoring/prometheus/prometheus-compose.yml"));
    for (JsonNode job : config.path("scrape_configs")) {
      for (JsonNode statics : job.path("static_configs")) {
        statics.path("targets").forEach(t -> scraped.add(t.asText()));
      }
      for (JsonNode dns : job.path("dns_sd_configs")) {
        dns.path("names").forEach(n -> scraped.add(n.asText() + ":" + dns.path("port").asInt()));
      }
    }
    for (String service : builtServices()) {
      String target = service + ":" + ModuleConfig.of(root, moduleOf(service)).managementPort();
      assertTrue(
          scraped.contains(target), "prometheus-compose.yml scrapes no " + target + ": " + scraped);
    }
  }

  @Test
  void appServicesUseKafkaAndMinioWithMinioRootCredentials() {
    Map<String, String> minio = compose.environment("minio");
    Map<String, String> minioInit = compose.environment("minio-init");
    assertEquals(
        minio.get("MINIO_ROOT_USER"),
        minioInit.get("MINIO_ROOT_USER"),
        where("minio-init", "environment.MINIO_ROOT_USER"));
    assertEquals(
        minio.get("MINIO_ROOT_PASSWORD"),
        minioInit.get("MINIO_ROOT_PASSWORD"),
        where("minio-init", "environment.MINIO_ROOT_PASSWORD"));
    for (String service : builtServices()) {
      Map<String, String> env = compose.environment(service);
      for (String key : APP_ENV) {
        assertTrue(env.containsKey(key), where(service, "environment") + ": must set " + key);
      }
      assertEquals(
          kafkaAddress(),
          env.get("KAFKA_BOOTSTRAP_SERVERS"),
          where(service, "environment.KAFKA_BOOTSTRAP_SERVERS") + ": kafka's PLAINTEXT listener");
      assertEquals(
          minio.get("MINIO_ROOT_USER"),
          env.get("CFT_S3_ACCESS_KEY"),
          where(service, "environment.CFT_S3_ACCESS_KEY") + ": must be MinIO's root user");
      assertEquals(
          minio.get("MINIO_ROOT_PASSWORD"),
          env.get("CFT_S3_SECRET_KEY"),
          where(service, "environment.CFT_S3_SECRET_KEY") + ": must be MinIO's root password");
      URI endpoint = URI.create(env.get("CFT_S3_ENDPOINT"));
      String where = where(service, "environment.CFT_S3_ENDPOINT");
      assertEquals("minio", endpoint.getHost(), where);
      assertEquals(minioApiPort(), endpoint.getPort(), where + ": MinIO's S3 API port");
    }
  }

  @Test
  void cftVariablesSetPropertiesTheServicesHave() {
    for (String service : builtServices()) {
      ModuleConfig module = ModuleConfig.of(root, moduleOf(service));
      assertFalse(
          module.accepts("CFT_S3_NO_SUCH_SETTING"),
          "the check must reject a made-up name (" + module.module() + ")");
      for (String variable : compose.environment(service).keySet()) {
        if (variable.startsWith("CFT_")) {
          assertTrue(
              module.accepts(variable),
              where(service, "environment." + variable)
                  + ": no such property in "
                  + module.module()
                  + " (application.properties, @ConfigMapping, @ConfigProperty); it has "
                  + module.propertyNames());
        }
      }
    }
  }

  @Test
  void mountedHostPathsExistAndVolumesAreDeclared() {
    for (String service : compose.services()) {
      for (Compose.Mount mount : compose.mounts(service)) {
        if (mount.type().equals("bind")) {
          assertTrue(
              Files.exists(compose.hostPath(mount)),
              where(service, "volumes")
                  + ": "
                  + mount.source()
                  + " does not exist in the repository");
          assertTrue(
              mount.readOnly(), where(service, "volumes") + ": mount " + mount.source() + " :ro");
        } else if (mount.type().equals("volume")) {
          assertTrue(
              compose.declaredVolumes().contains(mount.source()),
              where(service, "volumes") + ": volume " + mount.source() + " is not declared");
        }
      }
    }
    for (String service : INFRA_SERVICES) {
      assertTrue(
          compose.mounts(service).stream().anyMatch(m -> m.type().equals("volume")),
          where(service, "volumes") + ": its data must live in a named volume");
    }
  }

  @Test
  void prometheusConfigIsInItsMountedDirectory() {
    String script = compose.script("prometheus");
    Matcher config = Pattern.compile("--config\\.file=(\\S+)").matcher(script);
    assertTrue(config.find(), where("prometheus", "command") + ": no --config.file");
    assertExistsOnHost("prometheus", config.group(1));
    if (Files.exists(root.resolve("k8s/monitoring/prometheus/alerts.yml"))) {
      assertTrue(
          ModuleConfig.read(hostPathOf("prometheus", config.group(1))).contains("alerts.yml"),
          config.group(1) + ": the alert rules mounted beside it (alerts.yml) are never loaded");
    }
  }

  @Test
  void grafanaProvisioningMatchesItsMounts() {
    Path provisioning = root.resolve("docker/grafana/provisioning");
    JsonNode datasource =
        Compose.readYaml(provisioning.resolve("datasources/prometheus.yml"))
            .path("datasources")
            .get(0);
    String where = "docker/grafana/provisioning/datasources/prometheus.yml";
    assertEquals("prometheus", datasource.path("uid").asText(), where + ": uid");
    assertEquals("prometheus", datasource.path("type").asText(), where + ": type");
    assertTrue(datasource.path("isDefault").asBoolean(), where + ": isDefault");
    int prometheusPort = compose.ports("prometheus").get(0).target();
    assertEquals(
        "http://prometheus:" + prometheusPort, datasource.path("url").asText(), where + ": url");

    JsonNode provider =
        Compose.readYaml(provisioning.resolve("dashboards/cft.yml")).path("providers").get(0);
    String dashboards = provider.path("options").path("path").asText();
    Path hostDashboards = hostPathOf("grafana", dashboards);
    assertEquals(
        root.resolve("k8s/monitoring/dashboards"),
        hostDashboards,
        "docker/grafana/provisioning/dashboards/cft.yml: options.path must be where compose"
            + " mounts k8s/monitoring/dashboards");
    assertExistsOnHost("grafana", "/etc/grafana/provisioning/datasources/prometheus.yml");
    assertExistsOnHost("grafana", "/etc/grafana/provisioning/dashboards/cft.yml");
    try (Stream<Path> files = Files.list(hostDashboards)) {
      assertTrue(
          files.anyMatch(f -> f.toString().endsWith(".json")),
          "k8s/monitoring/dashboards: no dashboard JSON for Grafana to load");
    } catch (IOException e) {
      fail("k8s/monitoring/dashboards: " + e);
    }
  }

  @Test
  void kafkaInitCreatesExactlyTheMainTopics() {
    String script = compose.script("kafka-init");
    Matcher loop = Pattern.compile("for topic in ([^;\\n]+); do").matcher(script);
    assertTrue(loop.find(), where("kafka-init", "command") + ": no `for topic in ...; do` loop");
    assertEquals(
        Topics.ALL,
        List.of(loop.group(1).trim().split("\\s+")),
        where("kafka-init", "command") + ": the topics must be dev.cft.events.Topics.ALL");
    for (String flag :
        List.of(
            "--create",
            "--if-not-exists",
            "--partitions 3",
            "--bootstrap-server " + kafkaAddress())) {
      assertTrue(script.contains(flag), where("kafka-init", "command") + ": missing " + flag);
    }
  }

  @Test
  void minioInitCreatesEveryBucket() throws IllegalAccessException {
    String script = compose.script("minio-init");
    Matcher loop = Pattern.compile("for bucket in ([^;\\n]+); do").matcher(script);
    assertTrue(loop.find(), where("minio-init", "command") + ": no `for bucket in ...; do` loop");
    List<String> created = List.of(loop.group(1).trim().split("\\s+"));
    assertEquals(
        new TreeSet<>(stringConstants(Buckets.class)),
        new TreeSet<>(created),
        where("minio-init", "command") + ": the buckets must be every constant of Buckets");
    assertEquals(Buckets.ALL, created, where("minio-init", "command") + ": Buckets.ALL, in order");
    assertTrue(
        script.contains("mc mb --ignore-existing"),
        where("minio-init", "command") + ": bucket creation must be idempotent");
  }

  @Test
  void minioNotifiesKafkaOfIngestObjects() {
    Map<String, String> env = compose.environment("minio");
    Set<String> targets = new TreeSet<>();
    env.forEach(
        (key, value) -> {
          if (key.startsWith("MINIO_NOTIFY_KAFKA_ENABLE_") && value.equals("on")) {
            targets.add(key.substring("MINIO_NOTIFY_KAFKA_ENABLE_".length()));
          }
        });
    assertEquals(
        1, targets.size(), where("minio", "environment") + ": one Kafka target, " + targets);
    String target = targets.iterator().next();
    assertEquals(
        Topics.INGEST_OBJECTS,
        env.get("MINIO_NOTIFY_KAFKA_TOPIC_" + target),
        where("minio", "environment.MINIO_NOTIFY_KAFKA_TOPIC_" + target));
    assertEquals(
        kafkaAddress(),
        env.get("MINIO_NOTIFY_KAFKA_BROKERS_" + target),
        where("minio", "environment.MINIO_NOTIFY_KAFKA_BROKERS_" + target));
    String rule = "mc event add local/" + Buckets.INGEST + " arn:minio:sqs::" + target + ":kafka";
    assertTrue(
        compose.script("minio-init").contains(rule + " --event put"),
        where("minio-init", "command") + ": must run `" + rule + " --event put`");
  }

  @Test
  void onlyTheGpuVariantReservesAGpu() {
    Set<String> withGpu = new TreeSet<>();
    for (String service : compose.services()) {
      if (compose.service(service).has("gpus")) {
        withGpu.add(service);
      }
      for (JsonNode device :
          compose
              .service(service)
              .path("deploy")
              .path("resources")
              .path("reservations")
              .path("devices")) {
        if (device.path("driver").asText().equals("nvidia")
            || Compose.strings(device.path("capabilities")).contains("gpu")) {
          withGpu.add(service);
          assertEquals("nvidia", device.path("driver").asText(), where(service, "devices.driver"));
          assertTrue(
              Compose.strings(device.path("capabilities")).contains("gpu"),
              where(service, "devices.capabilities") + ": must contain gpu");
        }
      }
    }
    assertEquals(Set.of(GPU_SERVICE), withGpu, "docker-compose.yml: services reserving a GPU");
    assertEquals(List.of("gpu"), compose.profiles(GPU_SERVICE), where(GPU_SERVICE, "profiles"));
  }

  @Test
  void gpuVariantRunsLikeTrainServiceAndBothScale() {
    String train = "train-service";
    assertEquals("train-service", moduleOf(GPU_SERVICE), where(GPU_SERVICE, "build") + ": module");
    assertEquals(
        compose.environment(train),
        compose.environment(GPU_SERVICE),
        where(GPU_SERVICE, "environment"));
    assertEquals(
        compose.healthcheck(train),
        compose.healthcheck(GPU_SERVICE),
        where(GPU_SERVICE, "healthcheck"));
    assertEquals(
        compose.dependsOn(train), compose.dependsOn(GPU_SERVICE), where(GPU_SERVICE, "depends_on"));
    for (String service : List.of(train, GPU_SERVICE)) {
      assertFalse(
          compose.service(service).has("container_name"),
          where(service, "container_name") + ": a fixed name stops --scale");
      assertTrue(
          compose.ports(service).stream().allMatch(p -> p.published() == null),
          where(service, "ports") + ": a fixed host port stops --scale");
    }
  }

  @Test
  void buildsUseExistingDockerfilesAndModules() {
    List<String> modules = RootPom.read(root).modules();
    for (String service : builtServices()) {
      JsonNode build = compose.service(service).path("build");
      assertEquals(
          root,
          root.resolve(build.path("context").asText(".")).normalize(),
          where(service, "build.context") + ": the Dockerfiles build from the repository root");
      Dockerfile dockerfile = dockerfileOf(service);
      String module = moduleOf(service);
      assertTrue(
          modules.contains(module),
          where(service, "build SERVICE") + ": " + module + " is no module of pom.xml");
      assertTrue(
          Files.isRegularFile(root.resolve(module).resolve("pom.xml")),
          where(service, "build SERVICE") + ": no " + module + "/pom.xml");
      String text = dockerfile.text();
      assertTrue(
          text.startsWith("# syntax=docker/dockerfile:1"),
          dockerfile + ": needs the syntax line for cache mounts");
      assertTrue(
          text.contains("--mount=type=cache,target=/root/.m2"), dockerfile + ": ~/.m2 cache mount");
      assertTrue(
          text.contains("-pl \"${SERVICE}\" -am package"),
          dockerfile + ": builds ${SERVICE} with -am");
      assertTrue(
          text.contains("/${SERVICE}/target/quarkus-app/") && text.contains("quarkus-run.jar"),
          dockerfile
              + ": must copy the Quarkus fast-jar ${SERVICE}/target/quarkus-app (quarkus-run.jar)");
      assertTrue(text.contains("quarkus-app/lib/"), dockerfile + ": fast-jar lib/");
      assertTrue(
          !Set.of("root", "0", "0:0").contains(dockerfile.runtimeUser()),
          dockerfile + ": the runtime stage must run as a non-root USER");
      assertTrue(
          text.contains("DJL_CACHE_DIR=/var/cache/djl")
              && Pattern.compile("(?m)^.*chown .*/var/cache/djl").matcher(text).find(),
          dockerfile + ": DJL_CACHE_DIR=/var/cache/djl, owned by the runtime user");
    }
    List<String> ignored = List.of(ModuleConfig.read(root.resolve(".dockerignore")).split("\n"));
    assertTrue(ignored.contains("**/target"), ".dockerignore: must drop **/target");
    for (String needed : List.of("mvnw", ".mvn", "pom.xml", "*")) {
      assertFalse(ignored.contains(needed), ".dockerignore: the build needs " + needed);
    }
  }

  @Test
  void gpuImageSharesTheBuildStageAndMatchesTheLibtorchOfThePom() {
    Dockerfile cpu = Dockerfile.read(root.resolve("docker/Dockerfile"));
    Dockerfile gpu = Dockerfile.read(root.resolve("docker/Dockerfile.gpu"));
    assertFalse(cpu.stage("build").isEmpty(), cpu + ": no stage `build`");
    assertEquals(
        cpu.stage("build"), gpu.stage("build"), gpu + ": stage build must equal " + cpu + "'s");
    RootPom pom = RootPom.read(root);
    String version = pom.property("pytorch-native.version");
    assertEquals(
        version,
        gpu.argDefault("PYTORCH_VERSION").orElse(null),
        gpu + ": ARG PYTORCH_VERSION vs pom.xml pytorch-native.version");
    assertTrue(
        pom.property("pytorch-jni.version").startsWith(version + "-"),
        "pom.xml: pytorch-jni.version must be built for libtorch " + version);
    Matcher cuda = Pattern.compile("^nvidia/cuda:(\\d+)\\.(\\d+)\\.").matcher(gpu.runtimeBase());
    assertTrue(cuda.find(), gpu + ": the runtime stage must start from nvidia/cuda:<x.y.z>-...");
    String flavor = "cu" + cuda.group(1) + cuda.group(2);
    assertEquals(
        flavor,
        gpu.argDefault("PYTORCH_FLAVOR").orElse(null),
        gpu + ": PYTORCH_FLAVOR vs CUDA of the base image");
    String url =
        gpu.argDefault("LIBTORCH_URL")
            .orElse("")
            .replace("${PYTORCH_VERSION}", version)
            .replace("${PYTORCH_FLAVOR}", flavor);
    assertEquals(
        "https://download.pytorch.org/libtorch/"
            + flavor
            + "/libtorch-cxx11-abi-shared-with-deps-"
            + version
            + "%2B"
            + flavor
            + ".zip",
        url,
        gpu + ": LIBTORCH_URL");
    for (String env :
        List.of(
            "PYTORCH_LIBRARY_PATH=/opt/libtorch/lib",
            "PYTORCH_VERSION=${PYTORCH_VERSION}",
            "PYTORCH_FLAVOR=${PYTORCH_FLAVOR}")) {
      assertTrue(gpu.runtimeStage().contains(env), gpu + ": the runtime stage must set " + env);
    }
    assertTrue(
        gpu.runtimeStage().contains(" /opt/libtorch/lib/"),
        gpu + ": libtorch copied to /opt/libtorch/lib");
  }

  @Test
  void envExampleListsEveryVariableWithItsDefault() {
    Map<String, String> defaults = new TreeMap<>();
    Matcher variable =
        Pattern.compile("\\$\\{(\\w+)(?::-([^}]*))?}")
            .matcher(ModuleConfig.read(root.resolve(Compose.FILE)));
    while (variable.find()) {
      String previous = defaults.put(variable.group(1), variable.group(2));
      assertTrue(
          previous == null || previous.equals(variable.group(2)),
          "docker-compose.yml: ${" + variable.group(1) + "} has two defaults");
    }
    Map<String, String> example = new TreeMap<>();
    for (String line : ModuleConfig.read(root.resolve("docker/.env.example")).split("\n")) {
      if (!line.isBlank() && !line.startsWith("#")) {
        String[] kv = line.split("=", 2);
        example.put(kv[0].trim(), kv.length > 1 ? kv[1].trim() : "");
      }
    }
    assertEquals(
        defaults, example, "docker/.env.example vs the ${VAR:-default}s of docker-compose.yml");
  }

  private Set<String> longRunning() {
    Set<String> services = new LinkedHashSet<>(compose.services());
    INIT_SERVICES.forEach(services::remove);
    return services;
  }

  /** Services built from a Dockerfile of this repository: the pipeline's own. */
  private List<String> builtServices() {
    List<String> built = new ArrayList<>();
    for (String service : compose.services()) {
      // The pipeline's own images; MinIO's (docker/minio) is built too, from MinIO's source.
      if (compose
          .service(service)
          .path("build")
          .path("dockerfile")
          .asText()
          .startsWith("docker/Dockerfile")) {
        built.add(service);
      }
    }
    assertEquals(
        new TreeSet<>(
            List.of(
                "ingest-service", "train-service", "eval-service", "deploy-service", GPU_SERVICE)),
        new TreeSet<>(built),
        "docker-compose.yml: services with a build");
    return built;
  }

  private Dockerfile dockerfileOf(String service) {
    JsonNode build = compose.service(service).path("build");
    Path path =
        root.resolve(build.path("context").asText("."))
            .resolve(build.path("dockerfile").asText("Dockerfile"))
            .normalize();
    assertTrue(Files.isRegularFile(path), where(service, "build.dockerfile") + ": no " + path);
    return Dockerfile.read(path);
  }

  /**
   * The Maven module a service's image runs: its SERVICE build arg, or the Dockerfile's default.
   */
  private String moduleOf(String service) {
    String module = compose.buildArgs(service).get("SERVICE");
    if (module == null) {
      module = dockerfileOf(service).argDefault("SERVICE").orElse(null);
    }
    assertNotNull(
        module, where(service, "build.args.SERVICE") + ": unset, and no default in the Dockerfile");
    return module;
  }

  /** The address kafka advertises to the other containers (its PLAINTEXT listener). */
  private String kafkaAddress() {
    String listeners = compose.environment("kafka").get("KAFKA_ADVERTISED_LISTENERS");
    Matcher plaintext = Pattern.compile("(?:^|,)PLAINTEXT://([^,]+)").matcher(listeners);
    assertTrue(
        plaintext.find(),
        where("kafka", "environment.KAFKA_ADVERTISED_LISTENERS") + ": no PLAINTEXT");
    assertTrue(
        plaintext.group(1).startsWith("kafka:"),
        where("kafka", "KAFKA_ADVERTISED_LISTENERS") + ": host kafka");
    return plaintext.group(1);
  }

  /** MinIO's S3 port: the one of its ports that is not the console's. */
  private int minioApiPort() {
    Matcher console = Pattern.compile("--console-address :(\\d+)").matcher(compose.script("minio"));
    assertTrue(console.find(), where("minio", "command") + ": --console-address :<port>");
    Set<Integer> ports = new TreeSet<>(compose.containerPorts("minio"));
    ports.remove(Integer.valueOf(console.group(1)));
    assertEquals(
        1, ports.size(), where("minio", "ports") + ": the S3 API port and the console port");
    return ports.iterator().next();
  }

  private void assertWaits(String service, String dependency, String condition) {
    assertEquals(
        condition,
        compose.dependsOn(service).get(dependency),
        where(service, "depends_on." + dependency + ".condition"));
  }

  private void visit(String service, Deque<String> path, Set<String> done) {
    if (done.contains(service)) {
      return;
    }
    if (path.contains(service)) {
      List<String> cycle = new ArrayList<>(path);
      cycle.add(service);
      fail("docker-compose.yml depends_on: cycle " + String.join(" -> ", cycle));
    }
    path.addLast(service);
    for (String dependency : compose.dependsOn(service).keySet()) {
      visit(dependency, path, done);
    }
    path.removeLast();
    done.add(service);
  }

  /** The host file behind a path inside a service's container, through its bind mounts. */
  private Path hostPathOf(String service, String containerPath) {
    for (Compose.Mount mount : compose.mounts(service)) {
      String target = mount.target().endsWith("/") ? mount.target() : mount.target() + "/";
      if (mount.type().equals("bind")
          && (containerPath.equals(mount.target()) || containerPath.startsWith(target))) {
        String rest = containerPath.substring(mount.target().length()).replaceFirst("^/", "");
        return compose.hostPath(mount).resolve(rest).normalize();
      }
    }
    throw new AssertionError(where(service, "volumes") + ": nothing mounted at " + containerPath);
  }

  private void assertExistsOnHost(String service, String containerPath) {
    Path host = hostPathOf(service, containerPath);
    assertTrue(
        Files.exists(host),
        where(service, "volumes")
            + ": "
            + containerPath
            + " is "
            + root.relativize(host)
            + ", missing");
  }

  private static List<String> stringConstants(Class<?> type) throws IllegalAccessException {
    List<String> values = new ArrayList<>();
    for (Field field : type.getFields()) {
      int modifiers = field.getModifiers();
      if (Modifier.isStatic(modifiers)
          && Modifier.isFinal(modifiers)
          && field.getType() == String.class) {
        values.add((String) field.get(null));
      }
    }
    return values;
  }

  private static String where(String service, String key) {
    return "docker-compose.yml services." + service + "." + key;
  }
}
