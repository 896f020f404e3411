package dev.cft.stack.cli;

import dev.cft.events.Topics;
import dev.cft.events.TrainingProgress;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import javax.imageio.ImageIO;
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
    Map<String, List<TrainingProgress>> jobs =
        byJob(
            EventFeed.history(
                StackSettings.load(options.stateDir).kafkaBootstrap(),
                Topics.TRAINING_PROGRESS,
                TrainingProgress.class));
    String chosen = job;
    if (chosen == null) {
      for (Map.Entry<String, List<TrainingProgress>> e : jobs.entrySet()) {
        if (domain == null || domain.equals(e.getValue().get(0).domain())) {
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
    List<TrainingProgress> events = jobs.get(chosen);
    List<LossChart.Point> points = points(events);
    String title =
        events.get(0).domain() + " · job " + chosen + " · " + points.size() + " progress events";
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
  static List<LossChart.Point> points(List<TrainingProgress> events) {
    Map<Long, LossChart.Point> byStep = new TreeMap<>();
    for (TrainingProgress e : events) {
      byStep.put(
          e.step(),
          new LossChart.Point(
              e.step(), e.trainLoss(), e.valLoss() != null ? e.valLoss() : Double.NaN));
    }
    return new ArrayList<>(byStep.values());
  }

  /** Progress events by job, jobs in order of first appearance. */
  static Map<String, List<TrainingProgress>> byJob(List<TrainingProgress> events) {
    Map<String, List<TrainingProgress>> jobs = new LinkedHashMap<>();
    for (TrainingProgress event : events) {
      jobs.computeIfAbsent(event.jobId(), k -> new ArrayList<>()).add(event);
    }
    return jobs;
  }
}
