package dev.cft.ops;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/** Samples of a Prometheus text exposition ({@code /q/metrics}), summed by metric name. */
public final class Exposition {
  private Exposition() {}

  /** Sample name → sum of its values over all label sets (NaN samples left out of the sum). */
  public static Map<String, Double> parse(String text) {
    Map<String, Double> sums = new HashMap<>();
    for (String line : text.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int brace = line.indexOf('{');
      int space = line.indexOf(' ');
      int end = brace >= 0 && brace < space ? brace : space;
      String name = line.substring(0, end);
      int close = brace >= 0 && brace < space ? line.lastIndexOf('}') : end;
      String[] rest = line.substring(close + 1).trim().split("\\s+");
      double value = value(rest[0]);
      sums.merge(name, Double.isNaN(value) ? 0.0 : value, Double::sum);
    }
    return sums;
  }

  private static double value(String text) {
    return switch (text) {
      case "+Inf", "Inf" -> Double.POSITIVE_INFINITY;
      case "-Inf" -> Double.NEGATIVE_INFINITY;
      case "NaN" -> Double.NaN;
      default -> Double.parseDouble(text);
    };
  }

  /** Scrapes {@code base + /q/metrics}. */
  public static Map<String, Double> scrape(HttpClient http, String base)
      throws IOException, InterruptedException {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/q/metrics"))
                .timeout(Duration.ofSeconds(10))
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IOException(base + "/q/metrics answered " + response.statusCode());
    }
    return parse(response.body());
  }
}
