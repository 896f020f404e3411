package dev.cft.stack.cli;

import dev.cft.events.Buckets;
import dev.cft.events.EvaluationCompleted;
import dev.cft.events.EventJson;
import dev.cft.events.ModelKeys;
import dev.cft.events.Topics;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * bench-load's serving half: streaming clients while the served version is swapped again and again
 * (each swap a real promotion: a copy of v1 under a new version, and a passed verdict for it, as
 * eval-service sends one). Every request that fails is counted; 429s are the rate limit at work.
 */
final class ServingLoad {
  /** A request that finished: its latency and its time to the first token, in nanoseconds. */
  record Timing(long latency, long ttft) {}

  /**
   * What the clients saw.
   *
   * @param latencies sorted, in nanoseconds
   * @param ttfts sorted, in nanoseconds
   * @param failures why each failed request failed
   * @param limited requests refused by the rate limit
   */
  record Figures(
      int swaps, List<Long> latencies, List<Long> ttfts, List<String> failures, int limited) {}

  private final String domain;
  private final int clients;
  private final int seconds;
  private final int swapEvery;
  private final AtomicInteger limited = new AtomicInteger();
  private final ConcurrentLinkedQueue<Timing> done = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();

  ServingLoad(String domain, int clients, int seconds, int swapEvery) {
    this.domain = domain;
    this.clients = clients;
    this.seconds = seconds;
    this.swapEvery = swapEvery;
  }

  Figures run(StackSettings settings, StackStore store, String base) throws Exception {
    HttpClient http = ChatApi.http();
    AtomicBoolean running = new AtomicBoolean(true);
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    for (int c = 0; c < clients; c++) {
      int client = c;
      pool.submit(
          () -> {
            for (int i = 0; running.get(); i++) {
              stream(http, base, "Ticket " + (client * 1000 + i) + ": " + DemoData.QUESTION);
            }
          });
    }
    int swaps = 0;
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    try (KafkaProducer<String, String> producer = producer(settings)) {
      while (System.nanoTime() < end) {
        Thread.sleep(TimeUnit.SECONDS.toMillis(swapEvery));
        String version = "v" + (1000 + ++swaps);
        store.copy(
            Buckets.MODELS, ModelKeys.version(domain, "v1"), ModelKeys.version(domain, version));
        producer
            .send(
                new ProducerRecord<>(
                    Topics.EVALUATIONS_COMPLETED, domain, EventJson.toJson(verdict(version))))
            .get();
      }
    }
    running.set(false);
    pool.shutdown();
    pool.awaitTermination(2, TimeUnit.MINUTES);
    List<Long> latencies = new ArrayList<>();
    List<Long> ttfts = new ArrayList<>();
    done.forEach(
        d -> {
          latencies.add(d.latency());
          ttfts.add(d.ttft());
        });
    Collections.sort(latencies);
    Collections.sort(ttfts);
    return new Figures(swaps, latencies, ttfts, List.copyOf(failures), limited.get());
  }

  /** One streamed chat completion; a non-200, an error event or no [DONE] is a failure. */
  private void stream(HttpClient http, String base, String question) {
    ChatApi.Request request = ChatApi.Request.ask(domain, question, 24, 0).streamed();
    long start = System.nanoTime();
    try {
      HttpResponse<InputStream> r =
          http.send(
              ChatApi.post(base, request, Duration.ofSeconds(60)),
              HttpResponse.BodyHandlers.ofInputStream());
      if (r.statusCode() == 429) {
        limited.incrementAndGet(); // the rate limit at work, not a failure of serving
        r.body().close();
        Thread.sleep(1000);
        return;
      }
      if (r.statusCode() != 200) {
        failures.add(
            "HTTP "
                + r.statusCode()
                + ": "
                + new String(r.body().readAllBytes(), StandardCharsets.UTF_8));
        return;
      }
      ChatApi.Streamed answer;
      try (BufferedReader lines =
          new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
        answer = ChatApi.read(lines, System::nanoTime);
      }
      if (answer.error() != null) {
        failures.add(answer.error());
        return;
      }
      if (!answer.done()) {
        failures.add("the stream ended without [DONE]");
        return;
      }
      long now = System.nanoTime();
      long first = answer.firstTokenNanos();
      done.add(new Timing(now - start, (first == 0 ? now : first) - start));
    } catch (Exception e) {
      failures.add(e.toString());
    }
  }

  /** A passed verdict for {@code version}, as eval-service sends it. */
  EvaluationCompleted verdict(String version) {
    String prefix = ModelKeys.version(domain, version);
    return new EvaluationCompleted(
        UUID.randomUUID().toString(),
        "bench-" + version,
        domain,
        Instant.now(),
        version,
        null,
        true,
        List.of("bench: a hot swap under load"),
        Map.of("val.loss", 0.1),
        null,
        Buckets.MODELS,
        prefix,
        prefix + ModelKeys.EVALUATION,
        null);
  }

  private static KafkaProducer<String, String> producer(StackSettings settings) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.kafkaBootstrap());
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    return new KafkaProducer<>(props, new StringSerializer(), new StringSerializer());
  }

  /** The {@code q} quantile of sorted nanoseconds, as whole milliseconds; "-" for none. */
  static String ms(List<Long> sorted, double q) {
    if (sorted.isEmpty()) {
      return "-";
    }
    long ns = sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(q * sorted.size()) - 1));
    return String.format("%.0f ms", ns / 1e6);
  }
}
