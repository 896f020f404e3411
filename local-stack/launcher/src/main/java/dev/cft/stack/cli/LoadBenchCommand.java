package dev.cft.stack.cli;

import dev.cft.events.Buckets;
import io.minio.MinioClient;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ./pipeline bench-load}: the pipeline under load, on a stack of its own (free ports, a
 * temporary state directory, stopped at the end). Serving: concurrent streaming clients while the
 * served model is swapped again and again (each swap a real promotion: load, alias move, hot swap);
 * every failed request is counted ({@link ServingLoad}). Ingest: many files over several domains at
 * once, timed until each has its outcome.
 */
@Command(
    name = "bench-load",
    mixinStandardHelpOptions = true,
    description = "Streaming clients during hot swaps, then a burst of files: figures of both.")
final class LoadBenchCommand implements Callable<Integer> {
  private static final String DOMAIN = "bench";

  @Spec CommandSpec spec;

  @Option(names = "--clients", defaultValue = "16", description = "Streaming clients.")
  int clients;

  @Option(names = "--seconds", defaultValue = "60", description = "How long they stream.")
  int seconds;

  @Option(names = "--swap-every", defaultValue = "5", description = "Seconds between swaps.")
  int swapEvery;

  @Option(names = "--files", defaultValue = "100", description = "Files dropped at once.")
  int files;

  @Option(names = "--domains", defaultValue = "5", description = "Domains they spread over.")
  int domains;

  @Option(names = "--project-dir", defaultValue = ".", description = "The built project.")
  Path projectDir;

  private PrintWriter out;

  @Override
  public Integer call() throws Exception {
    out = spec.commandLine().getOut();
    try (PrivateStack stack = PrivateStack.start(out, spec.commandLine().getErr(), projectDir);
        MinioClient s3 = stack.settings.s3Client()) {
      StackStore store = new StackStore(s3);
      String base = stack.settings.serviceUrl(Part.DEPLOY);
      say("Training a model to serve (" + DOMAIN + "): a few minutes on 2 cores ...");
      store.put(Buckets.INGEST, DOMAIN + "/tickets.jsonl", DemoData.chats(0, 80, 0));
      awaitProduction(store, "v1", Duration.ofMinutes(15));
      ServingLoad load = new ServingLoad(DOMAIN, clients, seconds, swapEvery);
      print(load.run(stack.settings, store, base), store);
      ingest(store);
      return 0;
    }
  }

  private void print(ServingLoad.Figures figures, StackStore store) {
    say("");
    say(
        String.format(
            "Serving: %d streaming clients for %d s, %d hot swaps (a promotion every %d s)",
            clients, seconds, figures.swaps(), swapEvery));
    int completed = figures.latencies().size();
    say(
        String.format(
            "  requests completed   %d  (%.1f/s)", completed, completed / (double) seconds));
    say(
        String.format(
            "  requests failed      %d%s",
            figures.failures().size(),
            figures.failures().isEmpty() ? "" : "  first: " + figures.failures().get(0)));
    if (figures.limited() > 0) {
      say(
          String.format(
              "  refused by the rate limit  %d (429; every client here shares one address:"
                  + " CFT_DEPLOY_LIMITS_REQUESTS_PER_MINUTE=0 lifts it)",
              figures.limited()));
    }
    say(
        String.format(
            "  latency  p50 %s  p99 %s",
            ServingLoad.ms(figures.latencies(), 0.50), ServingLoad.ms(figures.latencies(), 0.99)));
    say(
        String.format(
            "  TTFT     p50 %s  p99 %s",
            ServingLoad.ms(figures.ttfts(), 0.50), ServingLoad.ms(figures.ttfts(), 0.99)));
    say("  served now           " + store.production(DOMAIN).orElse(null));
  }

  /** Files over the domains all at once; timed until every one has its outcome in the ledger. */
  private void ingest(StackStore store) throws Exception {
    String run = UUID.randomUUID().toString().substring(0, 6);
    long start = System.nanoTime();
    for (int i = 0; i < files; i++) {
      String domain = "load-" + run + "-" + (i % domains);
      store.put(
          Buckets.INGEST,
          domain + "/f" + String.format("%03d", i) + ".jsonl",
          DemoData.chats(i * 10, i * 10 + 10, 0));
    }
    double dropped = (System.nanoTime() - start) / 1e9;
    int outcomes = 0;
    long firstAt = 0;
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
    while (outcomes < files && System.nanoTime() < deadline) {
      outcomes = store.count(Buckets.DATASETS, "_ingested/load-" + run + "-");
      if (outcomes > 0 && firstAt == 0) {
        firstAt = System.nanoTime();
      }
      Thread.sleep(100);
    }
    double took = (System.nanoTime() - start) / 1e9;
    double working = (System.nanoTime() - firstAt) / 1e9;
    say("");
    say(
        String.format(
            "Ingest: %d files over %d domains dropped in %.1f s", files, domains, dropped));
    say(
        String.format(
            "  outcomes recorded    %d of %d in %.1f s from the drop: %.1f files/s",
            outcomes, files, took, outcomes / took));
    say(
        String.format(
            "  first outcome after  %.1f s (the scan's period: the embedded store sends no events)",
            (firstAt - start) / 1e9));
    say(
        String.format(
            "  first to last        %.1f s: %.1f files/s", working, (outcomes - 1) / working));
  }

  private void awaitProduction(StackStore store, String version, Duration wait) throws Exception {
    long deadline = System.nanoTime() + wait.toNanos();
    while (System.nanoTime() < deadline) {
      if (store.production(DOMAIN).filter(version::equals).isPresent()) {
        return;
      }
      Thread.sleep(2000);
    }
    throw new IllegalStateException(DOMAIN + " has no production " + version + " after " + wait);
  }

  private void say(String line) {
    out.println(line);
    out.flush();
  }
}
