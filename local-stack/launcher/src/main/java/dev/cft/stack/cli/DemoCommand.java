package dev.cft.stack.cli;

import dev.cft.events.Buckets;
import dev.cft.events.EvaluationCompleted;
import dev.cft.events.PipelineEvent;
import io.minio.MinioClient;
import java.io.PrintWriter;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "demo",
    description =
        "Starts the stack if needed (options of up, e.g. ports, are passed on), drops a generated support-desk dataset into the ingest bucket,"
            + " follows it through ingest, training, evaluation and promotion, asks the model before"
            + " and after, then drops a degraded dataset that the gate rejects.")
final class DemoCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin HomeOptions options;

  @Option(
      names = "--timeout",
      defaultValue = "600",
      description = "Seconds each stage may take (default: ${DEFAULT-VALUE}).")
  int timeoutSeconds;

  /** Options for {@code up} (ports, timeout), passed through. */
  @picocli.CommandLine.Unmatched List<String> upOptions = new ArrayList<>();

  private StageLines lines;
  private int deployPort;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    List<String> upArgs =
        new ArrayList<>(
            List.of(
                "up", "--state-dir=" + options.stateDir, "--project-dir=" + options.projectDir));
    upArgs.addAll(upOptions);
    int up = Pipeline.execute(out, spec.commandLine().getErr(), upArgs.toArray(String[]::new));
    if (up != 0) {
      return up;
    }
    StackSettings settings = StackSettings.load(options.stateDir);
    deployPort = settings.port(Part.DEPLOY);
    lines = new StageLines(out, deployPort);
    String domain = DemoData.DOMAIN;
    try (MinioClient s3 = settings.s3Client();
        EventFeed events = EventFeed.follow(settings.kafkaBootstrap())) {
      StackStore store = new StackStore(s3);
      int round = store.datasetVersions(domain);
      int first = round * 1000;
      say("");
      say("Before: " + ask(domain));
      store.put(Buckets.EVALS, domain + "/golden.jsonl", DemoData.chats(900, 920, 0));
      say(
          "Golden set s3://evals/"
              + domain
              + "/golden.jsonl: tickets 900-919, in no training file (judges generalization)");
      String good = domain + "/tickets-" + round + ".jsonl";
      say("Dropping s3://ingest/" + good + " (80 support chats)");
      store.put(Buckets.INGEST, good, DemoData.chats(first, first + 80, 0));
      EvaluationCompleted verdict = followThrough(events, good);
      if (verdict != null && verdict.candidateMetrics().containsKey("golden.loss")) {
        say(
            String.format(
                Locale.ROOT,
                "Golden loss of %s: %.4f on tickets it never saw",
                verdict.modelVersion(),
                verdict.candidateMetrics().get("golden.loss")));
      }
      say("After:  " + ask(domain));

      String bad = domain + "/wrong-answers-" + round + ".jsonl";
      say("");
      say(
          "Dropping s3://ingest/"
              + bad
              + " (the same kind of tickets, answered with the wrong topic)");
      store.put(Buckets.INGEST, bad, DemoData.chats(first + 100, first + 180, 1));
      EvaluationCompleted second = followThrough(events, bad);
      say("");
      say(
          "Production of '"
              + domain
              + "' is "
              + store.production(domain).orElse("none")
              + (second != null && !second.passed()
                  ? ": the degraded candidate was kept out."
                  : "."));
      say("Registry: curl -s localhost:" + deployPort + "/models/" + domain);
      say(
          "Your own data: put files under "
              + options.stateDir.resolve("s3/ingest")
              + "/<domain>/ (the scan finds them within 30 s).");
      say("Stop everything: ./pipeline down");
      return verdict == null ? 1 : 0;
    }
  }

  /**
   * Follows one dropped object's chain, showing each stage, until its verdict (and promotion); null
   * on rejection at ingest or when no verdict came in time.
   */
  private EvaluationCompleted followThrough(EventFeed events, String key) {
    DroppedFileChain chain = new DroppedFileChain(Buckets.INGEST, key);
    long deadline = System.nanoTime() + Duration.ofSeconds(timeoutSeconds).toNanos();
    while (System.nanoTime() < deadline) {
      for (PipelineEvent event : events.poll(Duration.ofMillis(500))) {
        if (chain.take(event)) {
          lines.show(event);
          if (chain.ended()) {
            return chain.verdict();
          }
        }
      }
    }
    lines.endLine();
    say("  (no verdict within " + timeoutSeconds + " s: see ./pipeline logs)");
    return null;
  }

  private String ask(String domain) throws Exception {
    String question = DemoData.FRESH_TICKET + DemoData.QUESTION;
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                ChatApi.post(
                    "http://127.0.0.1:" + deployPort,
                    ChatApi.Request.ask(domain, question, 40, 0),
                    Duration.ofMinutes(5)),
                HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() == 404) {
      return "(no model serves '" + domain + "' yet)";
    }
    return "\"" + question + "\" → \"" + ChatApi.reply(r.body()).text() + "\"";
  }

  private void say(String line) {
    lines.say(line);
  }
}
