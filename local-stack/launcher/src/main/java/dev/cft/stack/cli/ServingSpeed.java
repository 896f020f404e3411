package dev.cft.stack.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Serving's speed as one user sees it: streamed answers one after another (the first one warms up
 * and is not counted), each timed to its first token, then its decode speed.
 *
 * @param ttftP50Ms the median time to the first token
 * @param decodeTokensPerSecond tokens after the first one per second, averaged over the answers
 * @param tokens each counted answer's tokens
 */
record ServingSpeed(double ttftP50Ms, double decodeTokensPerSecond, List<Integer> tokens) {

  /** {@code requests} timed answers of at most {@code maxTokens} from {@code model}. */
  static ServingSpeed measure(String base, String model, int requests, int maxTokens)
      throws Exception {
    HttpClient http = ChatApi.http();
    List<Double> ttfts = new ArrayList<>();
    List<Double> rates = new ArrayList<>();
    List<Integer> tokens = new ArrayList<>();
    for (int i = 0; i <= requests; i++) { // the first one warms up, not counted
      ChatApi.Request request =
          ChatApi.Request.ask(
                  model, "Ticket " + (5000 + i) + ": " + DemoData.QUESTION, maxTokens, 0.8)
              .streamed()
              .seed(i);
      long start = System.nanoTime();
      HttpResponse<InputStream> r =
          http.send(
              ChatApi.post(base, request, Duration.ofMinutes(5)),
              HttpResponse.BodyHandlers.ofInputStream());
      if (r.statusCode() != 200) {
        throw new IOException(
            "serving answered HTTP " + r.statusCode() + ": " + new String(r.body().readAllBytes()));
      }
      ChatApi.Streamed answer;
      try (BufferedReader lines =
          new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
        answer = ChatApi.read(lines, System::nanoTime);
      }
      long end = System.nanoTime();
      long first = answer.firstTokenNanos();
      if (i == 0 || first == 0) {
        continue;
      }
      ttfts.add((first - start) / 1e6);
      tokens.add(answer.completionTokens());
      if (answer.completionTokens() > 1) {
        rates.add((answer.completionTokens() - 1) / ((end - first) / 1e9));
      }
    }
    Collections.sort(ttfts);
    double rate = rates.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    return new ServingSpeed(
        ttfts.isEmpty() ? Double.NaN : ttfts.get(ttfts.size() / 2), rate, tokens);
  }
}
