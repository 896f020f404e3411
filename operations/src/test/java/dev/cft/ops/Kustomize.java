package dev.cft.ops;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/** Renders the kustomizations under {@code k8s/} with {@code kubectl kustomize} and reads them. */
final class Kustomize {
  static final YAMLMapper YAML = new YAMLMapper();
  static final Path REPO = repoRoot();

  private static final Map<String, Rendering> RENDERED = new ConcurrentHashMap<>();

  private Kustomize() {}

  /**
   * Skips the calling tests when {@code kubectl} cannot be run, unless {@code CI=true}: CI must
   * have it, so there its absence fails.
   */
  static void requireKubectl() {
    String problem = Kubectl.PROBLEM;
    if (problem.isEmpty()) {
      return;
    }
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      fail("kubectl is required in CI to render k8s/: " + problem);
    }
    Assumptions.abort("kubectl not usable, k8s/ not checked: " + problem);
  }

  /** {@code dir} is relative to {@code k8s/}, e.g. {@code overlays/local}; rendered once. */
  static Rendering render(String dir) {
    return RENDERED.computeIfAbsent(dir, Kustomize::run);
  }

  /** A module's {@code src/main/resources/application.properties}. */
  static Properties applicationProperties(String module) {
    Path file = REPO.resolve(module).resolve("src/main/resources/application.properties");
    Properties properties = new Properties();
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      properties.load(in);
    } catch (IOException e) {
      throw new AssertionError("cannot read " + file + ": " + e.getMessage(), e);
    }
    return properties;
  }

  /** The rendered objects of one kustomization, in kubectl's order. */
  record Rendering(String dir, String yaml, List<JsonNode> objects) {

    List<JsonNode> ofKind(String kind) {
      return objects.stream().filter(o -> kind.equals(o.path("kind").asText())).toList();
    }

    Optional<JsonNode> find(String kind, String name) {
      return ofKind(kind).stream().filter(o -> name.equals(name(o))).findFirst();
    }

    JsonNode get(String kind, String name) {
      return find(kind, name)
          .orElseThrow(() -> new AssertionError(dir + ": no " + kind + "/" + name + " rendered"));
    }

    /** Deployments and StatefulSets: the objects whose pods run all the time. */
    List<JsonNode> workloads() {
      return Stream.concat(ofKind("Deployment").stream(), ofKind("StatefulSet").stream()).toList();
    }

    /** Everything with a pod template: workloads and Jobs. */
    List<JsonNode> podOwners() {
      return Stream.concat(workloads().stream(), ofKind("Job").stream()).toList();
    }
  }

  static String name(JsonNode object) {
    return object.path("metadata").path("name").asText();
  }

  /** {@code Kind/name}, how messages name an object. */
  static String id(JsonNode object) {
    return object.path("kind").asText() + "/" + name(object);
  }

  static JsonNode podSpec(JsonNode owner) {
    return owner.path("spec").path("template").path("spec");
  }

  static List<JsonNode> containers(JsonNode owner) {
    return list(podSpec(owner).path("containers"));
  }

  static List<JsonNode> initContainers(JsonNode owner) {
    return list(podSpec(owner).path("initContainers"));
  }

  static JsonNode container(JsonNode owner, String name) {
    return containers(owner).stream()
        .filter(c -> name.equals(c.path("name").asText()))
        .findFirst()
        .orElseThrow(() -> new AssertionError(id(owner) + ": no container " + name));
  }

  static Optional<JsonNode> env(JsonNode container, String name) {
    return list(container.path("env")).stream()
        .filter(e -> name.equals(e.path("name").asText()))
        .findFirst();
  }

  /** A literal env value; fails when the variable is missing or not a literal. */
  static String envValue(JsonNode owner, JsonNode container, String name) {
    JsonNode env =
        env(container, name)
            .orElseThrow(
                () ->
                    new AssertionError(
                        id(owner)
                            + " container "
                            + container.path("name").asText()
                            + ": no env "
                            + name));
    if (!env.has("value")) {
      throw new AssertionError(
          id(owner)
              + " container "
              + container.path("name").asText()
              + ": env "
              + name
              + " is not a literal value");
    }
    return env.path("value").asText();
  }

  /** A named or numbered port of a container, as a number; -1 when the name is unknown. */
  static int resolvePort(JsonNode container, JsonNode port) {
    if (port.isInt()) {
      return port.asInt();
    }
    return list(container.path("ports")).stream()
        .filter(p -> port.asText().equals(p.path("name").asText()))
        .mapToInt(p -> p.path("containerPort").asInt())
        .findFirst()
        .orElse(-1);
  }

  /** Whether every label of {@code selector} is on {@code labels} (a matchLabels or a map). */
  static boolean selects(JsonNode selector, JsonNode labels) {
    if (selector == null || !selector.isObject() || selector.isEmpty()) {
      return false;
    }
    Iterator<Map.Entry<String, JsonNode>> fields = selector.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> label = fields.next();
      if (!label.getValue().asText().equals(labels.path(label.getKey()).asText(null))) {
        return false;
      }
    }
    return true;
  }

  static JsonNode podLabels(JsonNode owner) {
    return owner.path("spec").path("template").path("metadata").path("labels");
  }

  static List<JsonNode> list(JsonNode array) {
    List<JsonNode> items = new ArrayList<>();
    array.forEach(items::add);
    return items;
  }

  private static Rendering run(String dir) {
    Path target = REPO.resolve("k8s").resolve(dir);
    try {
      Path out = Files.createTempFile("kustomize-", ".yaml");
      Path err = Files.createTempFile("kustomize-", ".err");
      try {
        Process process =
            new ProcessBuilder("kubectl", "kustomize", target.toString())
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
        if (!process.waitFor(2, TimeUnit.MINUTES)) {
          process.destroyForcibly();
          throw new AssertionError("kubectl kustomize " + target + " took over 2 minutes");
        }
        if (process.exitValue() != 0) {
          throw new AssertionError(
              "kubectl kustomize "
                  + target
                  + " failed ("
                  + process.exitValue()
                  + "): "
                  + Files.readString(err));
        }
        String yaml = Files.readString(out);
        return new Rendering(dir, yaml, parse(yaml));
      } finally {
        Files.deleteIfExists(out);
        Files.deleteIfExists(err);
      }
    } catch (IOException e) {
      throw new AssertionError("cannot run kubectl kustomize " + target + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted rendering " + target, e);
    }
  }

  static List<JsonNode> parse(String yaml) throws IOException {
    List<JsonNode> objects = new ArrayList<>();
    try (MappingIterator<JsonNode> docs = YAML.readerFor(JsonNode.class).readValues(yaml)) {
      while (docs.hasNext()) {
        JsonNode doc = docs.next();
        if (doc != null && doc.isObject()) {
          objects.add(doc);
        }
      }
    }
    return objects;
  }

  /** Why kubectl cannot be used, or "" when it can. */
  private static String kubectlProblem() {
    try {
      Process process =
          new ProcessBuilder("kubectl", "version", "--client")
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return "kubectl version --client did not answer within 30 s";
      }
      return process.exitValue() == 0
          ? ""
          : "kubectl version --client exited with " + process.exitValue();
    } catch (IOException e) {
      return "no kubectl on PATH (" + e.getMessage() + ")";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }

  /** Why kubectl cannot be run ("" when it can), asked once, on first use. */
  private static final class Kubectl {
    static final String PROBLEM = kubectlProblem();
  }

  private static Path repoRoot() {
    Path start = Path.of(System.getProperty("user.dir")).toAbsolutePath();
    for (Path dir = start; dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve("pom.xml")) && Files.isDirectory(dir.resolve("k8s"))) {
        return dir;
      }
    }
    throw new IllegalStateException("no directory with pom.xml and k8s/ above " + start);
  }
}
