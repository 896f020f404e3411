package dev.cft.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The dashboards' structure and their PromQL's syntax. That every metric they name is exposed by
 * the running services is checked against a real pipeline run by the launcher's PipelineFlowIT.
 */
class DashboardsTest {
  private final Path root = Dashboards.root();

  @Test
  void theFourDashboardsHaveUniqueIdsAndEveryPanelQueriesPrometheus() throws Exception {
    List<Path> files = Dashboards.dashboardFiles(root);
    assertEquals(
        List.of("gate.json", "pipeline.json", "serving.json", "training.json"),
        files.stream().map(f -> f.getFileName().toString()).toList());
    Set<String> uids = new HashSet<>();
    for (Path file : files) {
      JsonNode dashboard = new ObjectMapper().readTree(file.toFile());
      assertTrue(uids.add(dashboard.path("uid").asText()), file + ": uid repeated");
      assertFalse(dashboard.path("title").asText().isBlank(), file + ": no title");
      for (JsonNode panel : dashboard.path("panels")) {
        if (panel.path("type").asText().equals("row")) {
          continue;
        }
        String where = file.getFileName() + " panel '" + panel.path("title").asText() + "'";
        assertFalse(panel.path("targets").isEmpty(), where + ": no query");
        assertEquals("prometheus", panel.path("datasource").path("uid").asText(), where);
      }
    }
  }

  @Test
  void everyQueryNamesOnlyThePipelinesMetrics() {
    List<Dashboards.Query> queries = new ArrayList<>(Dashboards.dashboardQueries(root));
    queries.addAll(Dashboards.alertQueries(root));
    assertTrue(queries.size() > 40, "only " + queries.size() + " queries found");
    for (Dashboards.Query query : queries) {
      Set<String> names = PromQl.metricNames(Dashboards.promQl(query));
      assertFalse(names.isEmpty(), query.where() + ": names no metric: " + query.expr());
      for (String name : names) {
        assertTrue(
            name.startsWith("cft_") || name.equals("up"),
            query.where() + ": '" + name + "' is not a metric of the pipeline");
      }
    }
  }

  /**
   * Gauges every replica of a consumer group exports with the same, whole-group value ({@code
   * ConsumerLagMetrics}): summed over replicas they count the lag once per replica.
   */
  static final Set<String> PER_GROUP_GAUGES = Set.of("cft_kafka_consumer_lag");

  @Test
  void perGroupGaugesAreTakenWithMaxNeverSummedOverReplicas() {
    List<Dashboards.Query> queries = new ArrayList<>(Dashboards.dashboardQueries(root));
    queries.addAll(Dashboards.alertQueries(root));
    int reads = 0;
    for (Dashboards.Query query : queries) {
      for (String gauge : PER_GROUP_GAUGES) {
        for (String aggregation : PromQl.aggregationsOf(query.expr(), gauge)) {
          reads++;
          assertEquals(
              "max",
              aggregation,
              query.where()
                  + ": "
                  + gauge
                  + " is the same on every replica: max, not "
                  + aggregation
                  + ", in "
                  + query.expr());
        }
      }
    }
    assertTrue(reads >= 3, "the dashboards and alerts read the consumer lag: " + reads);
  }

  /** promtool parses each query as the expression of a recording rule. */
  @Test
  void everyQueryIsValidPromQl() throws Exception {
    Promtool.require();
    Map<String, String> records = new LinkedHashMap<>();
    List<Dashboards.Query> queries = Dashboards.dashboardQueries(root);
    for (int i = 0; i < queries.size(); i++) {
      records.put("q" + i, PromQl.withGrafanaVariables(Dashboards.promQl(queries.get(i))));
    }
    StringBuilder rules = new StringBuilder("groups:\n  - name: dashboards\n    rules:\n");
    ObjectMapper json = new ObjectMapper(); // a JSON string is a YAML string
    for (Map.Entry<String, String> record : records.entrySet()) {
      rules.append("      - record: ").append(record.getKey());
      rules.append("\n        expr: ").append(json.writeValueAsString(record.getValue()));
      rules.append('\n');
    }
    Path dir = Files.createTempDirectory("dashboards");
    Files.writeString(dir.resolve("rules.yml"), rules);
    String out = Promtool.run(dir, "check", "rules", "rules.yml");
    assertTrue(out.contains("SUCCESS: " + queries.size() + " rules found"), out);
  }
}
