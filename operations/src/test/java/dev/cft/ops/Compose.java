package dev.cft.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The repository's {@code docker-compose.yml} as parsed YAML, with the few normalisations compose
 * itself applies (list or map forms of environment and depends_on, short or long port and volume
 * syntax). Values stay uninterpolated: {@code ${VAR:-default}} is compared as written.
 */
final class Compose {
  static final String FILE = "docker-compose.yml";

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  record Port(int target, Integer published) {}

  /** A volume entry; {@code source} is a host path for binds, a volume name otherwise. */
  record Mount(String type, String source, String target, boolean readOnly) {}

  private final Path root;
  private final JsonNode file;

  private Compose(Path root, JsonNode file) {
    this.root = root;
    this.file = file;
  }

  static Compose load() {
    Path root = repoRoot();
    return new Compose(root, readYaml(root.resolve(FILE)));
  }

  static JsonNode readYaml(Path path) {
    try {
      return YAML.readTree(path.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot parse " + path, e);
    }
  }

  /** The directory holding both {@code docker-compose.yml} and the root {@code pom.xml}. */
  static Path repoRoot() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve(FILE)) && Files.isRegularFile(dir.resolve("pom.xml"))) {
        return dir;
      }
    }
    throw new IllegalStateException(
        "no directory above " + Path.of("").toAbsolutePath() + " holds " + FILE + " and pom.xml");
  }

  Path root() {
    return root;
  }

  JsonNode file() {
    return file;
  }

  Set<String> services() {
    Set<String> names = new LinkedHashSet<>();
    file.path("services").fieldNames().forEachRemaining(names::add);
    return names;
  }

  JsonNode service(String name) {
    JsonNode service = file.path("services").path(name);
    if (service.isMissingNode()) {
      throw new AssertionError("docker-compose.yml: no service " + name);
    }
    return service;
  }

  Set<String> declaredVolumes() {
    Set<String> names = new LinkedHashSet<>();
    file.path("volumes").fieldNames().forEachRemaining(names::add);
    return names;
  }

  List<String> profiles(String name) {
    return strings(service(name).path("profiles"));
  }

  Map<String, String> environment(String name) {
    return keyValues(service(name).path("environment"));
  }

  Map<String, String> buildArgs(String name) {
    return keyValues(service(name).path("build").path("args"));
  }

  /** Dependency → condition; the list form means {@code service_started}. */
  Map<String, String> dependsOn(String name) {
    JsonNode node = service(name).path("depends_on");
    Map<String, String> conditions = new LinkedHashMap<>();
    if (node.isArray()) {
      node.forEach(dependency -> conditions.put(dependency.asText(), "service_started"));
    } else {
      node.fields()
          .forEachRemaining(
              e ->
                  conditions.put(
                      e.getKey(), e.getValue().path("condition").asText("service_started")));
    }
    return conditions;
  }

  /** The healthcheck's command as one string, or null without one. */
  String healthcheck(String name) {
    JsonNode test = service(name).path("healthcheck").path("test");
    if (test.isMissingNode() || service(name).path("healthcheck").path("disable").asBoolean()) {
      return null;
    }
    return test.isArray() ? String.join(" ", strings(test)) : test.asText();
  }

  /** Entrypoint and command, joined: what the container runs. */
  String script(String name) {
    List<String> parts = new ArrayList<>(strings(service(name).path("entrypoint")));
    parts.addAll(strings(service(name).path("command")));
    return String.join(" ", parts);
  }

  List<Port> ports(String name) {
    List<Port> ports = new ArrayList<>();
    for (JsonNode port : service(name).path("ports")) {
      if (port.isObject()) {
        JsonNode published = port.path("published");
        ports.add(
            new Port(
                port.path("target").asInt(),
                published.isMissingNode() ? null : Integer.valueOf(published.asText())));
      } else {
        // [HOST_IP:][HOST_PORT:]CONTAINER_PORT[/PROTOCOL]
        String[] parts = port.asText().replaceFirst("/\\w+$", "").split(":");
        int target = Integer.parseInt(parts[parts.length - 1]);
        Integer published = parts.length > 1 ? Integer.valueOf(parts[parts.length - 2]) : null;
        ports.add(new Port(target, published));
      }
    }
    return ports;
  }

  /** Ports the container listens on as far as compose knows: published and exposed ones. */
  Set<Integer> containerPorts(String name) {
    Set<Integer> ports = new LinkedHashSet<>();
    ports(name).forEach(p -> ports.add(p.target()));
    service(name).path("expose").forEach(p -> ports.add(Integer.valueOf(p.asText())));
    return ports;
  }

  List<Mount> mounts(String name) {
    List<Mount> mounts = new ArrayList<>();
    for (JsonNode volume : service(name).path("volumes")) {
      if (volume.isObject()) {
        mounts.add(
            new Mount(
                volume.path("type").asText(),
                volume.path("source").asText(),
                volume.path("target").asText(),
                volume.path("read_only").asBoolean()));
      } else {
        String[] parts = volume.asText().split(":");
        String source = parts[0];
        boolean bind = source.startsWith(".") || source.startsWith("/") || source.startsWith("~");
        boolean readOnly = parts.length > 2 && List.of(parts[2].split(",")).contains("ro");
        mounts.add(new Mount(bind ? "bind" : "volume", source, parts[1], readOnly));
      }
    }
    return mounts;
  }

  /** A bind mount's host path, resolved against the compose file's directory. */
  Path hostPath(Mount mount) {
    return root.resolve(mount.source()).normalize();
  }

  static List<String> strings(JsonNode node) {
    List<String> values = new ArrayList<>();
    if (node.isArray()) {
      node.forEach(value -> values.add(value.asText()));
    } else if (!node.isMissingNode() && !node.isNull()) {
      values.add(node.asText());
    }
    return values;
  }

  private static Map<String, String> keyValues(JsonNode node) {
    Map<String, String> values = new LinkedHashMap<>();
    if (node.isArray()) {
      for (JsonNode entry : node) {
        String[] kv = entry.asText().split("=", 2);
        values.put(kv[0], kv.length > 1 ? kv[1] : null);
      }
    } else {
      node.fields()
          .forEachRemaining(
              e -> values.put(e.getKey(), e.getValue().isNull() ? null : e.getValue().asText()));
    }
    return values;
  }
}
