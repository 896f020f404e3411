package dev.cft.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Set;
import org.junit.jupiter.api.Test;

class PromQlTest {
  @Test
  void namesAreTheIdentifiersThatAreNeitherFunctionsLabelsNorKeywords() {
    assertEquals(
        Set.of("cft_serving_request_seconds_bucket"),
        PromQl.metricNames(
            "histogram_quantile(0.95, sum by (le, endpoint) (rate("
                + "cft_serving_request_seconds_bucket{model=~\"$domain\", x=\"a{b}\"}[$__rate_interval])))"));
    assertEquals(
        Set.of("cft_serving_errors_total", "cft_serving_request_seconds_count"),
        PromQl.metricNames(
            "sum by (endpoint, type) (rate(cft_serving_errors_total[5m])) / ignoring(type)"
                + " group_left sum by (endpoint) (rate(cft_serving_request_seconds_count[5m])) > 0.05"));
    assertEquals(
        Set.of("up"), PromQl.metricNames("up{job=~\"cft-.*\"} == 0 or up{a=\"b\"} == bool 0"));
    assertEquals(Set.of("cft_x"), PromQl.metricNames("max(cft_x) > 1e3 and cft_x offset 5m"));
  }

  @Test
  void theAggregationAroundEachReadOfAMetricIsFoundThroughFunctions() {
    assertEquals(
        java.util.List.of("sum"),
        PromQl.aggregationsOf(
            "sum by (group, topic) (cft_kafka_consumer_lag)", "cft_kafka_consumer_lag"));
    assertEquals(
        java.util.List.of("max", "max"),
        PromQl.aggregationsOf(
            "max by (group, topic) (cft_kafka_consumer_lag{a=\"(\"}) > 5"
                + " and max by (group, topic) (delta(cft_kafka_consumer_lag[15m])) > 0",
            "cft_kafka_consumer_lag"));
    assertEquals(
        java.util.List.of("none", "sum"),
        PromQl.aggregationsOf("cft_x > 1 or (rate(cft_y[5m]) * sum(rate(cft_x[5m])))", "cft_x"));
    assertEquals(java.util.List.of(), PromQl.aggregationsOf("sum(cft_x_total)", "cft_x"));
  }

  @Test
  void grafanaVariablesBecomeValuesPrometheusAccepts() {
    assertEquals(
        "rate(a{d=~\".*\"}[5m]) + increase(b[1h])",
        PromQl.withGrafanaVariables(
            "rate(a{d=~\"$domain\"}[$__rate_interval]) + increase(b[$__range])"));
  }
}
