package dev.cft.stack.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cft.ops.Dashboards;
import dev.cft.ops.PromQl;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** What a pipeline run must have shown in the services' metrics. */
final class FlowMetrics {
  /** Per service: samples whose largest value over the run must be above zero. */
  private static final Map<String, List<String>> MOVED =
      Map.of(
          "ingest",
          List.of(
              "cft_ingest_files_seen_total",
              "cft_ingest_files_accepted_total",
              "cft_ingest_files_duplicate_total",
              "cft_ingest_files_rejected_total",
              "cft_ingest_records_total",
              "cft_ingest_record_problems_total",
              "cft_ingest_bytes_total",
              "cft_ingest_dataset_versions_total",
              "cft_ingest_landed_to_ready_seconds_count"),
          "train",
          List.of(
              "cft_train_jobs_total",
              "cft_train_jobs_active",
              "cft_train_loss",
              "cft_train_val_loss",
              "cft_train_tokens_per_second",
              "cft_train_progress_ratio",
              "cft_train_step_seconds_count",
              "cft_train_checkpoint_seconds_count",
              "cft_train_job_seconds_count",
              "cft_train_device_info",
              "cft_train_job_heartbeat_age_seconds",
              "cft_kafka_consumer_lag"),
          "eval",
          List.of("cft_eval_metric", "cft_eval_verdicts_total", "cft_eval_duration_seconds_count"),
          "deploy",
          List.of(
              "cft_serving_request_seconds_count",
              "cft_serving_ttft_seconds_count",
              "cft_serving_generated_tokens_total",
              "cft_serving_tokens_per_second_count",
              "cft_serving_errors_total",
              "cft_serving_model_info",
              "cft_deploy_promotions_total"));

  private FlowMetrics() {}

  static void assertEveryStageMoved(Map<String, Map<String, Double>> seen) {
    List<String> still = new ArrayList<>();
    MOVED.forEach(
        (service, names) -> {
          for (String name : names) {
            Double value = seen.get(service).get(name);
            if (value == null || !(value > 0)) {
              still.add(service + " " + name + "=" + value);
            }
          }
        });
    assertTrue(still.isEmpty(), "metrics that did not move during the run: " + still);
  }

  /**
   * Every metric named by a dashboard panel, variable or annotation, or by an alert rule, was
   * exposed by one of the running services ({@code up} is Prometheus' own).
   */
  static void assertDashboardsNameExposedMetrics(Map<String, Map<String, Double>> seen) {
    Set<String> exposed = new TreeSet<>();
    seen.values().forEach(samples -> exposed.addAll(samples.keySet()));
    Path root = Dashboards.root();
    List<Dashboards.Query> queries = new ArrayList<>(Dashboards.dashboardQueries(root));
    queries.addAll(Dashboards.alertQueries(root));
    List<String> missing = new ArrayList<>();
    for (Dashboards.Query query : queries) {
      for (String name : PromQl.metricNames(Dashboards.promQl(query))) {
        if (!name.equals("up") && !exposed.contains(name)) {
          missing.add(query.where() + ": " + name);
        }
      }
    }
    assertTrue(missing.isEmpty(), "named by a query, exposed by no service: " + missing);
  }
}
