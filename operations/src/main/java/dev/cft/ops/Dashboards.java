package dev.cft.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The PromQL expressions of the Grafana dashboards and the Prometheus alert rules. */
public final class Dashboards {
  /** Where the dashboards and rules live, relative to the repository root. */
  public static final Path DASHBOARDS = Path.of("k8s", "monitoring", "dashboards");

  public static final Path ALERTS = Path.of("k8s", "monitoring", "prometheus", "alerts.yml");

  /** One expression and where it is (file and panel or rule), for messages. */
  public record Query(String where, String expr) {}

  private Dashboards() {}

  /** The repository root: the nearest directory up from here holding {@code k8s/monitoring}. */
  public static Path root() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.isDirectory(dir.resolve(DASHBOARDS))) {
      dir = dir.getParent();
    }
    if (dir == null) {
      throw new IllegalStateException(
          "no " + DASHBOARDS + " above " + Path.of("").toAbsolutePath());
    }
    return dir;
  }

  public static List<Path> dashboardFiles(Path root) {
    try (Stream<Path> files = Files.list(root.resolve(DASHBOARDS))) {
      return files.filter(f -> f.toString().endsWith(".json")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every query of every panel, template variable and annotation of the dashboards. */
  public static List<Query> dashboardQueries(Path root) {
    ObjectMapper json = new ObjectMapper();
    List<Query> queries = new ArrayList<>();
    for (Path file : dashboardFiles(root)) {
      JsonNode dashboard = read(json, file);
      String name = file.getFileName().toString();
      for (JsonNode panel : panels(dashboard)) {
        for (JsonNode target : panel.path("targets")) {
          if (target.hasNonNull("expr")) {
            queries.add(
                new Query(
                    name + " panel '" + panel.path("title").asText() + "'",
                    target.get("expr").asText()));
          }
        }
      }
      for (JsonNode variable : dashboard.path("templating").path("list")) {
        JsonNode query = variable.path("query");
        String expr = query.isObject() ? query.path("query").asText() : query.asText();
        if (!expr.isBlank()) {
          queries.add(new Query(name + " variable $" + variable.path("name").asText(), expr));
        }
      }
      for (JsonNode annotation : dashboard.path("annotations").path("list")) {
        if (annotation.hasNonNull("expr")) {
          queries.add(
              new Query(
                  name + " annotation '" + annotation.path("name").asText() + "'",
                  annotation.get("expr").asText()));
        }
      }
    }
    return queries;
  }

  /** The {@code label_values(metric, label)} of a variable query becomes the metric itself. */
  public static String promQl(Query query) {
    String expr = query.expr().trim();
    if (expr.startsWith("label_values(")) {
      String inner = expr.substring("label_values(".length(), expr.lastIndexOf(')'));
      int comma = inner.lastIndexOf(',');
      return comma < 0 ? inner : inner.substring(0, comma).trim();
    }
    return expr;
  }

  /** Every rule expression of the alert rules. */
  public static List<Query> alertQueries(Path root) {
    JsonNode rules = read(new YAMLMapper(), root.resolve(ALERTS));
    List<Query> queries = new ArrayList<>();
    for (JsonNode group : rules.path("groups")) {
      for (JsonNode rule : group.path("rules")) {
        String name = rule.has("alert") ? rule.get("alert").asText() : rule.path("record").asText();
        queries.add(new Query("alerts.yml rule " + name, rule.path("expr").asText()));
      }
    }
    return queries;
  }

  private static List<JsonNode> panels(JsonNode dashboard) {
    List<JsonNode> all = new ArrayList<>();
    for (JsonNode panel : dashboard.path("panels")) {
      all.add(panel);
      panel.path("panels").forEach(all::add); // collapsed rows hold their panels
    }
    return all;
  }

  private static JsonNode read(ObjectMapper mapper, Path file) {
    try {
      return mapper.readTree(file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }
}
