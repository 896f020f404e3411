package dev.cft.ops;

import static dev.cft.ops.Kustomize.container;
import static dev.cft.ops.Kustomize.containers;
import static dev.cft.ops.Kustomize.env;
import static dev.cft.ops.Kustomize.envValue;
import static dev.cft.ops.Kustomize.id;
import static dev.cft.ops.Kustomize.initContainers;
import static dev.cft.ops.Kustomize.list;
import static dev.cft.ops.Kustomize.podLabels;
import static dev.cft.ops.Kustomize.podSpec;
import static dev.cft.ops.Kustomize.render;
import static dev.cft.ops.Kustomize.resolvePort;
import static dev.cft.ops.Kustomize.selects;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.cft.events.Buckets;
import dev.cft.events.Topics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Renders {@code k8s/} (base and the overlays {@code local} and {@code gpu}) with {@code kubectl
 * kustomize} and checks it against the code: ports, probes, the KEDA trigger, topics, buckets,
 * where the S3 credentials come from, GPU placement and the monitoring ConfigMaps.
 */
class KustomizeTest {
  private static final List<String> SERVICES =
      List.of("ingest-service", "train-service", "eval-service", "deploy-service");

  /** JVM plus libtorch: they get a startup probe so that liveness does not kill a slow start. */
  private static final Set<String> SLOW_STARTERS =
      Set.of("train-service", "eval-service", "deploy-service");

  private static final String TRAIN = "train-service";
  private static final String DATASETS_READY = "mp.messaging.incoming.datasets-ready.";
  private static final String GPU = "nvidia.com/gpu";
  private static final String LOCAL = "overlays/local";
  private static final String GPU_OVERLAY = "overlays/gpu";

  /** Per test, so that a skip is reported with its reason on every test rather than lost. */
  @BeforeEach
  void kubectl() {
    Kustomize.requireKubectl();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"base", LOCAL, GPU_OVERLAY})
  void everyLongRunningContainerHasProbesAndEveryContainerHasResources(String dir) {
    Kustomize.Rendering rendering = render(dir);
    List<String> problems = new ArrayList<>();
    for (JsonNode workload : rendering.workloads()) {
      for (JsonNode container : containers(workload)) {
        for (String probe : List.of("livenessProbe", "readinessProbe")) {
          if (!container.hasNonNull(probe)) {
            problems.add(where(workload, container) + ": no " + probe);
          }
        }
      }
    }
    for (JsonNode owner : rendering.podOwners()) {
      for (JsonNode container : concat(containers(owner), initContainers(owner))) {
        for (String bound : List.of("requests", "limits")) {
          for (String resource : List.of("cpu", "memory")) {
            if (!container.path("resources").path(bound).hasNonNull(resource)) {
              problems.add(where(owner, container) + ": no resources." + bound + "." + resource);
            }
          }
        }
      }
    }
    assertNoProblems(dir, problems);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"base", LOCAL, GPU_OVERLAY})
  void eachServiceListensOnItsQuarkusPortAndIsProbedAndScrapedOnItsManagementPort(String dir) {
    Kustomize.Rendering rendering = render(dir);
    List<String> problems = new ArrayList<>();
    for (String service : SERVICES) {
      String portProperty =
          Kustomize.applicationProperties(service).getProperty("quarkus.http.port");
      int port = Integer.parseInt(portProperty);
      JsonNode deployment = rendering.get("Deployment", service);
      JsonNode container = container(deployment, service);
      String where = where(deployment, container);
      checkNamedPort(problems, where, container, "http", "quarkus.http.port", port);
      String envPort =
          env(container, "QUARKUS_HTTP_PORT").map(e -> e.path("value").asText()).orElse("");
      if (!envPort.equals(portProperty)) {
        problems.add(where + ": env QUARKUS_HTTP_PORT '" + envPort + "', expected " + port);
      }
      // Health and metrics answer on the management port only (the service's own port: 404).
      String managementProperty =
          Kustomize.applicationProperties(service).getProperty("quarkus.management.port");
      if (managementProperty == null
          || !"true"
              .equals(
                  Kustomize.applicationProperties(service)
                      .getProperty("quarkus.management.enabled"))) {
        problems.add(service + ": application.properties enables no management interface");
        continue;
      }
      int management = Integer.parseInt(managementProperty);
      checkNamedPort(
          problems, where, container, "management", "quarkus.management.port", management);
      checkProbe(problems, where, container, "livenessProbe", "/q/health/live", management);
      checkProbe(problems, where, container, "readinessProbe", "/q/health/ready", management);
      if (SLOW_STARTERS.contains(service)) {
        checkProbe(problems, where, container, "startupProbe", "/q/health/live", management);
      }
      JsonNode annotations =
          deployment.path("spec").path("template").path("metadata").path("annotations");
      checkEquals(
          problems,
          where + ": annotation prometheus.io/scrape",
          "true",
          annotations.path("prometheus.io/scrape").asText());
      checkEquals(
          problems,
          where + ": annotation prometheus.io/port",
          managementProperty,
          annotations.path("prometheus.io/port").asText());
      checkEquals(
          problems,
          where + ": annotation prometheus.io/path",
          "/q/metrics",
          annotations.path("prometheus.io/path").asText());
      JsonNode servicePort = rendering.get("Service", service).path("spec").path("ports").path(0);
      int target = resolvePort(container, servicePort.path("targetPort"));
      if (target != port) {
        problems.add(
            "Service/"
                + service
                + ": targetPort "
                + servicePort.path("targetPort")
                + " reaches "
                + target
                + ", not "
                + port);
      }
    }
    assertNoProblems(dir, problems);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"base", LOCAL, GPU_OVERLAY})
  void kedaScalesTrainServiceOnTheLagOfItsOwnGroupAndTopic(String dir) {
    Kustomize.Rendering rendering = render(dir);
    Properties train = Kustomize.applicationProperties(TRAIN);
    List<JsonNode> scaledObjects = rendering.ofKind("ScaledObject");
    assertEquals(1, scaledObjects.size(), dir + ": ScaledObjects rendered");
    JsonNode scaledObject = scaledObjects.get(0);
    String so = dir + " " + id(scaledObject);
    JsonNode spec = scaledObject.path("spec");
    assertEquals("keda.sh/v1alpha1", scaledObject.path("apiVersion").asText(), so + ": apiVersion");

    String targetName = spec.path("scaleTargetRef").path("name").asText();
    assertEquals(TRAIN, targetName, so + ": spec.scaleTargetRef.name");
    String targetKind = spec.path("scaleTargetRef").path("kind").asText("Deployment");
    assertEquals("Deployment", targetKind, so + ": spec.scaleTargetRef.kind");
    JsonNode deployment = rendering.get("Deployment", TRAIN);
    assertFalse(
        deployment.path("spec").has("replicas"),
        dir
            + " Deployment/"
            + TRAIN
            + ": spec.replicas is set, and every apply would reset KEDA's count");

    assertEquals(0, spec.path("minReplicaCount").asInt(-1), so + ": spec.minReplicaCount");
    assertEquals(
        localTopicPartitions(),
        spec.path("maxReplicaCount").asInt(-1),
        so
            + ": spec.maxReplicaCount must equal the partitions of "
            + Topics.DATASETS_READY
            + " (Job/kafka-topics PARTITIONS)");

    List<JsonNode> triggers = list(spec.path("triggers"));
    assertEquals(1, triggers.size(), so + ": spec.triggers");
    JsonNode trigger = triggers.get(0);
    assertEquals("kafka", trigger.path("type").asText(), so + ": triggers[0].type");
    JsonNode metadata = trigger.path("metadata");
    assertEquals(
        train.getProperty(DATASETS_READY + "topic"),
        metadata.path("topic").asText(),
        so + ": triggers[0].metadata.topic vs train-service's " + DATASETS_READY + "topic");
    assertEquals(
        train.getProperty(DATASETS_READY + "group.id"),
        metadata.path("consumerGroup").asText(),
        so
            + ": triggers[0].metadata.consumerGroup vs train-service's "
            + DATASETS_READY
            + "group.id");
    assertEquals(
        train.getProperty(DATASETS_READY + "auto.offset.reset"),
        metadata.path("offsetResetPolicy").asText(),
        so
            + ": triggers[0].metadata.offsetResetPolicy vs train-service's "
            + DATASETS_READY
            + "auto.offset.reset");
    assertEquals(
        "1",
        metadata.path("lagThreshold").asText(),
        so + ": triggers[0].metadata.lagThreshold (one job per worker)");
    assertEquals(
        "false",
        metadata.path("allowIdleConsumers").asText(),
        so + ": triggers[0].metadata.allowIdleConsumers");

    String fromEnv = metadata.path("bootstrapServersFromEnv").asText("");
    if (fromEnv.isEmpty()) {
      assertFalse(
          metadata.path("bootstrapServers").asText("").isEmpty(),
          so + ": triggers[0].metadata has no bootstrapServers");
    } else {
      String source = spec.path("scaleTargetRef").path("envSourceContainerName").asText(TRAIN);
      assertTrue(
          providesEnv(rendering, container(deployment, source), fromEnv),
          so
              + ": bootstrapServersFromEnv names "
              + fromEnv
              + ", which container "
              + source
              + " of Deployment/"
              + TRAIN
              + " does not have");
    }

    JsonNode scaleDown =
        spec.path("advanced")
            .path("horizontalPodAutoscalerConfig")
            .path("behavior")
            .path("scaleDown");
    List<JsonNode> policies = list(scaleDown.path("policies"));
    assertFalse(
        policies.isEmpty(),
        so + ": no advanced.horizontalPodAutoscalerConfig.behavior.scaleDown.policies");
    for (JsonNode policy : policies) {
      assertTrue(
          "Pods".equals(policy.path("type").asText()) && policy.path("value").asInt() == 1,
          so + ": scaleDown policy " + policy + " removes more than one pod at a time");
    }
  }

  @Test
  void gpusAreAskedForOnlyByTheGpuOverlaysTrainWorkers() {
    for (String dir : List.of("base", LOCAL)) {
      assertEquals(List.of(), mentioning(render(dir), GPU), dir + ": objects mentioning " + GPU);
    }
    Kustomize.Rendering gpu = render(GPU_OVERLAY);
    assertEquals(
        List.of("Deployment/" + TRAIN),
        mentioning(gpu, GPU),
        GPU_OVERLAY + ": objects mentioning " + GPU);

    JsonNode deployment = gpu.get("Deployment", TRAIN);
    JsonNode container = container(deployment, TRAIN);
    String where = GPU_OVERLAY + " " + where(deployment, container);
    JsonNode resources = container.path("resources");
    assertEquals(
        "1",
        resources.path("limits").path(GPU).asText(),
        where + ": resources.limits[" + GPU + "]");
    assertEquals(
        "1",
        resources.path("requests").path(GPU).asText(),
        where + ": resources.requests[" + GPU + "]");
    assertTrue(
        list(podSpec(deployment).path("tolerations")).stream()
            .anyMatch(
                t ->
                    GPU.equals(t.path("key").asText())
                        && "NoSchedule".equals(t.path("effect").asText())),
        where + ": no toleration for " + GPU + " NoSchedule");
    assertFalse(
        podSpec(deployment).path("nodeSelector").isEmpty(),
        where + ": no nodeSelector for GPU nodes");
    String image = container.path("image").asText();
    assertTrue(
        imageName(image).endsWith("cft/train-service-gpu"),
        where + ": image " + image + " is not cft/train-service-gpu");
    for (String service : SERVICES) {
      String other = container(gpu.get("Deployment", service), service).path("image").asText();
      assertTrue(
          service.equals(TRAIN) || !other.contains("-gpu"),
          GPU_OVERLAY + " Deployment/" + service + ": runs the GPU image " + other);
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"base", LOCAL, GPU_OVERLAY})
  void dashboardsAndAlertRulesAreConfigMapsTheSidecarAndPrometheusFind(String dir)
      throws IOException {
    Kustomize.Rendering rendering = render(dir);
    JsonNode dashboards = rendering.get("ConfigMap", "cft-grafana-dashboards");
    String where = dir + " ConfigMap/cft-grafana-dashboards";
    assertEquals(
        "1",
        dashboards.path("metadata").path("labels").path("grafana_dashboard").asText(),
        where + ": label grafana_dashboard");

    Path dashboardDir = Kustomize.REPO.resolve("k8s/monitoring/dashboards");
    Set<String> files;
    try (Stream<Path> paths = Files.list(dashboardDir)) {
      files =
          paths
              .map(p -> p.getFileName().toString())
              .filter(n -> n.endsWith(".json"))
              .collect(Collectors.toCollection(TreeSet::new));
    }
    assertFalse(files.isEmpty(), "no dashboards in " + dashboardDir);
    Set<String> keys = new TreeSet<>();
    dashboards.path("data").fieldNames().forEachRemaining(keys::add);
    assertEquals(
        files, keys, where + ": data keys vs the *.json files of k8s/monitoring/dashboards/");
    ObjectMapper json = new ObjectMapper();
    for (String key : keys) {
      JsonNode dashboard = json.readTree(dashboards.path("data").path(key).asText());
      assertFalse(
          dashboard.path("title").asText("").isBlank(), where + ": data[" + key + "] has no title");
    }

    JsonNode rules = rendering.get("ConfigMap", "cft-prometheus-rules");
    String alerts = rules.path("data").path("alerts.yml").asText("");
    assertFalse(alerts.isEmpty(), dir + " ConfigMap/cft-prometheus-rules: no data[alerts.yml]");
    assertTrue(
        Kustomize.YAML.readTree(alerts).path("groups").size() > 0,
        dir + " ConfigMap/cft-prometheus-rules: data[alerts.yml] has no rule groups");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"base", LOCAL, GPU_OVERLAY})
  void theDisruptionBudgetKeepsADeployServiceReplicaServing(String dir) {
    Kustomize.Rendering rendering = render(dir);
    JsonNode deploy = rendering.get("Deployment", "deploy-service");
    List<JsonNode> selecting =
        rendering.ofKind("PodDisruptionBudget").stream()
            .filter(
                b ->
                    selects(b.path("spec").path("selector").path("matchLabels"), podLabels(deploy)))
            .toList();
    assertEquals(
        1,
        selecting.size(),
        dir
            + ": PodDisruptionBudgets selecting deploy-service's pods: "
            + selecting.stream().map(Kustomize::id).toList());
    JsonNode budget = selecting.get(0);
    assertFalse(
        budget.path("spec").path("selector").has("matchExpressions"),
        dir + " " + id(budget) + ": matchExpressions are not checked here");
    assertEquals(
        1,
        budget.path("spec").path("minAvailable").asInt(-1),
        dir + " " + id(budget) + ": spec.minAvailable");
    assertEquals(
        2,
        deploy.path("spec").path("replicas").asInt(-1),
        dir + " Deployment/deploy-service: spec.replicas");
    for (JsonNode workload : rendering.workloads()) {
      if (workload != deploy) {
        assertFalse(
            selects(budget.path("spec").path("selector").path("matchLabels"), podLabels(workload)),
            dir + " " + id(budget) + ": also selects the pods of " + id(workload));
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"base", LOCAL, GPU_OVERLAY})
  void everyServiceSelectsTheWorkloadThatServesItsPorts(String dir) {
    Kustomize.Rendering rendering = render(dir);
    List<String> problems = new ArrayList<>();
    for (JsonNode service : rendering.ofKind("Service")) {
      JsonNode selector = service.path("spec").path("selector");
      List<JsonNode> selected =
          rendering.workloads().stream().filter(w -> selects(selector, podLabels(w))).toList();
      if (selected.size() != 1) {
        problems.add(
            id(service)
                + ": selector "
                + selector
                + " matches "
                + selected.stream().map(Kustomize::id).toList());
        continue;
      }
      for (JsonNode port : list(service.path("spec").path("ports"))) {
        JsonNode target = port.has("targetPort") ? port.path("targetPort") : port.path("port");
        boolean served =
            containers(selected.get(0)).stream().anyMatch(c -> resolvePort(c, target) > 0);
        if (!served) {
          problems.add(
              id(service)
                  + ": targetPort "
                  + target
                  + " is no container port of "
                  + id(selected.get(0)));
        }
      }
    }
    assertNoProblems(dir, problems);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"base", LOCAL, GPU_OVERLAY})
  void s3CredentialsComeFromTheSecretOnly(String dir) {
    Kustomize.Rendering rendering = render(dir);
    List<String> problems = new ArrayList<>();
    List<String> credentialVariables =
        List.of("CFT_S3_ACCESS_KEY", "CFT_S3_SECRET_KEY", "MINIO_ROOT_USER", "MINIO_ROOT_PASSWORD");
    for (JsonNode owner : rendering.podOwners()) {
      for (JsonNode container : concat(containers(owner), initContainers(owner))) {
        for (JsonNode env : list(container.path("env"))) {
          String name = env.path("name").asText();
          if (!credentialVariables.contains(name)) {
            continue;
          }
          JsonNode ref = env.path("valueFrom").path("secretKeyRef");
          if (env.has("value") || ref.isMissingNode()) {
            problems.add(where(owner, container) + ": env " + name + " is not a secretKeyRef");
            continue;
          }
          String expectedKey =
              name.endsWith("ACCESS_KEY") || name.endsWith("USER") ? "access-key" : "secret-key";
          if (!expectedKey.equals(ref.path("key").asText())) {
            problems.add(
                where(owner, container)
                    + ": env "
                    + name
                    + " reads key "
                    + ref.path("key").asText()
                    + ", not "
                    + expectedKey);
          }
          String secret = ref.path("name").asText();
          if (!secret.startsWith("cft-s3-credentials")) {
            problems.add(where(owner, container) + ": env " + name + " reads Secret " + secret);
          }
          var rendered = rendering.find("Secret", secret);
          if (rendered.isEmpty() && !secret.equals("cft-s3-credentials")) {
            problems.add(
                where(owner, container)
                    + ": env "
                    + name
                    + " reads Secret "
                    + secret
                    + ", which is neither rendered nor the one the operator creates");
          }
          if (rendered.isPresent() && !rendered.get().path("data").has(expectedKey)) {
            problems.add(
                "Secret/" + secret + ": no key " + expectedKey + " for " + where(owner, container));
          }
        }
      }
    }
    for (String service : SERVICES) {
      JsonNode container = container(rendering.get("Deployment", service), service);
      for (String name : List.of("CFT_S3_ACCESS_KEY", "CFT_S3_SECRET_KEY")) {
        if (env(container, name).isEmpty()) {
          problems.add("Deployment/" + service + ": no env " + name + " (required by the service)");
        }
      }
      if (list(container.path("envFrom")).stream().anyMatch(e -> e.has("secretRef"))) {
        problems.add(
            "Deployment/" + service + ": envFrom a Secret: take the two keys by secretKeyRef");
      }
    }
    if (!dir.equals(LOCAL)) {
      List<String> secrets = rendering.ofKind("Secret").stream().map(Kustomize::id).toList();
      if (!secrets.isEmpty()) {
        problems.add(
            "Secrets rendered " + secrets + ": only the local overlay may carry credentials");
      }
    }
    assertNoProblems(dir, problems);
  }

  @Test
  void theLocalOverlayCreatesTheTopicsAndBucketsOfTheCode() {
    Kustomize.Rendering local = render(LOCAL);
    JsonNode topicsJob = local.get("Job", "kafka-topics");
    JsonNode topicsContainer = containers(topicsJob).get(0);
    assertEquals(
        Topics.ALL,
        words(envValue(topicsJob, topicsContainer, "TOPICS")),
        LOCAL + " Job/kafka-topics: env TOPICS vs Topics.ALL");
    assertUsed(topicsJob, topicsContainer, "$TOPICS", "$PARTITIONS");

    JsonNode bucketsJob = local.get("Job", "minio-setup");
    JsonNode bucketsContainer = containers(bucketsJob).get(0);
    assertEquals(
        Buckets.ALL,
        words(envValue(bucketsJob, bucketsContainer, "BUCKETS")),
        LOCAL + " Job/minio-setup: env BUCKETS vs Buckets.ALL");
    assertEquals(
        Buckets.INGEST,
        envValue(bucketsJob, bucketsContainer, "EVENT_BUCKET"),
        LOCAL + " Job/minio-setup: env EVENT_BUCKET");
    assertUsed(bucketsJob, bucketsContainer, "$BUCKETS", "$EVENT_BUCKET");

    JsonNode minio = local.get("Deployment", "minio");
    String notifyTopic =
        envValue(minio, container(minio, "minio"), "MINIO_NOTIFY_KAFKA_TOPIC_PRIMARY");
    assertEquals(
        Topics.INGEST_OBJECTS,
        notifyTopic,
        LOCAL + " Deployment/minio: env MINIO_NOTIFY_KAFKA_TOPIC_PRIMARY");
    assertEquals(
        Kustomize.applicationProperties("ingest-service")
            .getProperty("mp.messaging.incoming.ingest-objects.topic"),
        notifyTopic,
        LOCAL
            + " Deployment/minio: env MINIO_NOTIFY_KAFKA_TOPIC_PRIMARY vs ingest-service's"
            + " mp.messaging.incoming.ingest-objects.topic");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"base", LOCAL, GPU_OVERLAY})
  void podsRunAsNonRootAndWriteOnlyToVolumes(String dir) {
    Kustomize.Rendering rendering = render(dir);
    List<String> problems = new ArrayList<>();
    for (JsonNode owner : rendering.podOwners()) {
      JsonNode pod = podSpec(owner);
      for (JsonNode container : concat(containers(owner), initContainers(owner))) {
        String where = where(owner, container);
        JsonNode security = container.path("securityContext");
        boolean nonRoot =
            security
                .path("runAsNonRoot")
                .asBoolean(pod.path("securityContext").path("runAsNonRoot").asBoolean(false));
        if (!nonRoot) {
          problems.add(where + ": runAsNonRoot is not true");
        }
        if (security.path("allowPrivilegeEscalation").asBoolean(true)) {
          problems.add(where + ": allowPrivilegeEscalation is not false");
        }
        if (security.path("readOnlyRootFilesystem").asBoolean(false)
            && !mountsEmptyDir(owner, container, "/tmp")) {
          problems.add(where + ": read-only root without an emptyDir on /tmp");
        }
        env(container, "DJL_CACHE_DIR")
            .map(e -> e.path("value").asText())
            .filter(path -> !mountsEmptyDir(owner, container, path))
            .ifPresent(
                path -> problems.add(where + ": DJL_CACHE_DIR " + path + " is no emptyDir mount"));
      }
    }
    JsonNode train = rendering.get("Deployment", TRAIN);
    JsonNode worker = container(train, TRAIN);
    String workerId =
        env(worker, "CFT_TRAIN_WORKER_ID")
            .map(e -> e.path("valueFrom").path("fieldRef").path("fieldPath").asText())
            .orElse("");
    checkEquals(
        problems,
        where(train, worker) + ": env CFT_TRAIN_WORKER_ID fieldRef",
        "metadata.name",
        workerId);
    if (podSpec(train).path("terminationGracePeriodSeconds").asInt(30) < 60) {
      problems.add(
          id(train) + ": terminationGracePeriodSeconds leaves no room to finish a checkpoint");
    }
    assertNoProblems(dir, problems);
  }

  private static int localTopicPartitions() {
    Kustomize.Rendering local = render(LOCAL);
    JsonNode job = local.get("Job", "kafka-topics");
    return Integer.parseInt(envValue(job, containers(job).get(0), "PARTITIONS"));
  }

  /** Whether {@code name} reaches the container: by env, or by envFrom a rendered ConfigMap. */
  private static boolean providesEnv(
      Kustomize.Rendering rendering, JsonNode container, String name) {
    if (env(container, name).isPresent()) {
      return true;
    }
    return list(container.path("envFrom")).stream()
        .map(e -> e.path("configMapRef").path("name").asText(""))
        .filter(n -> !n.isEmpty())
        .map(n -> rendering.find("ConfigMap", n))
        .anyMatch(cm -> cm.isPresent() && cm.get().path("data").hasNonNull(name));
  }

  private static boolean mountsEmptyDir(JsonNode owner, JsonNode container, String path) {
    return list(container.path("volumeMounts")).stream()
        .filter(m -> path.equals(m.path("mountPath").asText()))
        .map(m -> m.path("name").asText())
        .anyMatch(
            volume ->
                list(podSpec(owner).path("volumes")).stream()
                    .anyMatch(v -> volume.equals(v.path("name").asText()) && v.has("emptyDir")));
  }

  /** The container port named {@code name} is the one {@code property} sets. */
  private static void checkNamedPort(
      List<String> problems,
      String where,
      JsonNode container,
      String name,
      String property,
      int expected) {
    int port = resolvePort(container, TextNode.valueOf(name));
    if (port != expected) {
      problems.add(
          where
              + ": containerPort named "
              + name
              + " is "
              + port
              + ", "
              + property
              + " "
              + expected);
    }
  }

  private static void checkProbe(
      List<String> problems,
      String where,
      JsonNode container,
      String probe,
      String path,
      int port) {
    JsonNode get = container.path(probe).path("httpGet");
    if (get.isMissingNode()) {
      problems.add(where + ": no " + probe + ".httpGet");
      return;
    }
    checkEquals(problems, where + ": " + probe + ".httpGet.path", path, get.path("path").asText());
    int probed = resolvePort(container, get.path("port"));
    if (probed != port) {
      problems.add(
          where
              + ": "
              + probe
              + ".httpGet.port "
              + get.path("port")
              + " reaches "
              + probed
              + ", not "
              + port);
    }
  }

  private static void checkEquals(
      List<String> problems, String what, String expected, String actual) {
    if (!expected.equals(actual)) {
      problems.add(what + " is '" + actual + "', expected '" + expected + "'");
    }
  }

  private static void assertUsed(JsonNode job, JsonNode container, String... variables) {
    String script =
        String.join("\n", list(container.path("args")).stream().map(JsonNode::asText).toList());
    for (String variable : variables) {
      assertTrue(
          script.contains(variable),
          LOCAL + " " + id(job) + ": the script never reads " + variable);
    }
  }

  private static List<String> mentioning(Kustomize.Rendering rendering, String text) {
    return rendering.objects().stream()
        .filter(o -> o.toString().contains(text))
        .map(Kustomize::id)
        .toList();
  }

  private static String imageName(String image) {
    int slash = image.lastIndexOf('/');
    int colon = image.indexOf(':', slash + 1);
    return colon < 0 ? image : image.substring(0, colon);
  }

  private static List<String> words(String text) {
    return Arrays.stream(text.trim().split("\\s+")).toList();
  }

  private static List<JsonNode> concat(List<JsonNode> a, List<JsonNode> b) {
    return Stream.concat(a.stream(), b.stream()).toList();
  }

  private static String where(JsonNode owner, JsonNode container) {
    return id(owner) + " container " + container.path("name").asText();
  }

  private static void assertNoProblems(String dir, List<String> problems) {
    assertTrue(problems.isEmpty(), () -> dir + ":\n  " + String.join("\n  ", problems));
  }
}
