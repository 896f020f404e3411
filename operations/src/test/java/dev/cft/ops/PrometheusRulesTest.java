package dev.cft.ops;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The Prometheus configuration and alert rules, checked and unit-tested by promtool. */
class PrometheusRulesTest {
  private final Path prometheus = Dashboards.root().resolve("k8s/monitoring/prometheus");

  @Test
  void theComposeScrapeConfigIsValid() throws Exception {
    String out = Promtool.run(prometheus, "check", "config", "prometheus-compose.yml");
    assertTrue(out.contains("SUCCESS"), out);
  }

  @Test
  void theAlertRulesAreValid() throws Exception {
    String out = Promtool.run(prometheus, "check", "rules", "alerts.yml");
    assertTrue(out.contains("SUCCESS: 5 rules found"), out);
  }

  /** alerts-test.yml: each alert fires on the series that should fire it, and only on those. */
  @Test
  void theAlertsFireOnTheirUnitTestSeries() throws Exception {
    String out = Promtool.run(prometheus, "test", "rules", "alerts-test.yml");
    assertTrue(out.contains("SUCCESS"), out);
  }
}
