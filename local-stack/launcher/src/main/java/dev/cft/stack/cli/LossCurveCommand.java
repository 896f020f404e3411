package dev.cft.stack.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cft.events.Topics;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import javax.imageio.ImageIO;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ./pipeline loss-curve}: a job's loss curve drawn from its {@code training.progress} events
 * (the figures Grafana's training dashboard plots from the metrics), as a PNG.
 */
@Command(
    name = "loss-curve",
    mixinStandardHelpOptions = true,
    description = "Draws a training job's loss curve from its training.progress events (PNG).")
final class LossCurveCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Spec CommandSpec spec;
  @Mixin HomeOptions options;

  @Option(names = "--domain", description = "The latest job of this domain (default: any).")
  String domain;

  @Option(names = "--job", description = "This job id (default: the latest job).")
  String job;

  @Option(
      names = "--out",
      defaultValue = "loss-curve.png",
      description = "The picture to write (default: ${DEFAULT-VALUE}).")
  Path out;

  @Override
  public Integer call() throws Exception {
    PrintWriter print = spec.commandLine().getOut();
    Map<String, List<JsonNode>> jobs =
        progress(StackSettings.load(options.stateDir).kafkaBootstrap());
    String chosen = job;
    if (chosen == null) {
      for (Map.Entry<String, List<JsonNode>> e : jobs.entrySet()) {
        if (domain == null || domain.equals(e.getValue().get(0).path("domain").asText())) {
          chosen = e.getKey(); // the last in order of appearance: the latest
        }
      }
    }
    if (chosen == null || !jobs.containsKey(chosen)) {
      throw new IllegalArgumentException(
          "no training.progress for "
              + (job != null ? "job " + job : domain != null ? "domain " + domain : "any job")
              + " (jobs seen: "
              + jobs.keySet()
              + ")");
    }
    List<JsonNode> events = jobs.get(chosen);
    List<LossChart.Point> points = points(events);
    String title =
        events.get(0).path("domain").asText()
            + " · job "
            + chosen
            + " · "
            + points.size()
            + " progress events";
    Path parent = out.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    ImageIO.write(LossChart.render(title, points, 900, 480), "png", out.toFile());
    LossChart.Point last = points.get(points.size() - 1);
    print.printf(
        "%s: %d points, step %d, train loss %.4f → %.4f%n",
        out, points.size(), last.step(), points.get(0).trainLoss(), last.trainLoss());
    return 0;
  }

  /** The job's events in step order; a resumed job's repeated steps keep their last report. */
  static List<LossChart.Point> points(List<JsonNode> events) {
    Map<Long, LossChart.Point> byStep = new java.util.TreeMap<>();
    for (JsonNode e : events) {
      JsonNode val = e.path("valLoss");
      byStep.put(
          e.path("step").asLong(),
          new LossChart.Point(
              e.path("step").asLong(),
              e.path("trainLoss").asDouble(),
              val.isNumber() ? val.asDouble() : Double.NaN));
    }
    return new ArrayList<>(byStep.values());
  }

  /** Every training.progress event so far, by job, jobs in order of first appearance. */
  private static Map<String, List<JsonNode>> progress(String bootstrap) throws Exception {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    List<ConsumerRecord<String, String>> records = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
      List<TopicPartition> partitions = new ArrayList<>();
      consumer
          .partitionsFor(Topics.TRAINING_PROGRESS, Duration.ofSeconds(10))
          .forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
      while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
        consumer.poll(Duration.ofMillis(500)).forEach(records::add);
      }
    }
    records.sort(java.util.Comparator.comparingLong(ConsumerRecord::timestamp));
    Map<String, List<JsonNode>> jobs = new LinkedHashMap<>();
    for (ConsumerRecord<String, String> record : records) {
      JsonNode event = JSON.readTree(record.value());
      jobs.computeIfAbsent(event.path("jobId").asText(), k -> new ArrayList<>()).add(event);
    }
    return jobs;
  }
}
