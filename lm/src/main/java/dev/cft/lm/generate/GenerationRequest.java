package dev.cft.lm.generate;

import java.util.List;

/**
 * What to generate and how. {@code temperature == 0} or {@code topK == 1} is greedy decoding.
 *
 * @param topK keep the k most likely tokens (0: all)
 * @param topP keep the smallest set whose probability reaches p (1: all)
 * @param stop strings that end the generation; they are not part of the returned text
 * @param useCache false recomputes the whole sequence each token (for checks and benchmarks)
 */
public record GenerationRequest(
    String prompt,
    int maxTokens,
    double temperature,
    int topK,
    double topP,
    List<String> stop,
    long seed,
    boolean useCache) {
  public GenerationRequest {
    if (maxTokens < 1) {
      throw new IllegalArgumentException("max_tokens must be at least 1, was " + maxTokens);
    }
    if (temperature < 0) {
      throw new IllegalArgumentException("temperature must not be negative, was " + temperature);
    }
    if (topP <= 0 || topP > 1) {
      throw new IllegalArgumentException("top_p must be in (0, 1], was " + topP);
    }
    if (topK < 0) {
      throw new IllegalArgumentException("top_k must not be negative, was " + topK);
    }
    stop = stop == null ? List.of() : List.copyOf(stop);
  }

  public static GenerationRequest greedy(String prompt, int maxTokens) {
    return new GenerationRequest(prompt, maxTokens, 0, 0, 1, List.of(), 0, true);
  }

  public GenerationRequest withStop(List<String> stops) {
    return new GenerationRequest(prompt, maxTokens, temperature, topK, topP, stops, seed, useCache);
  }

  public GenerationRequest withoutCache() {
    return new GenerationRequest(prompt, maxTokens, temperature, topK, topP, stop, seed, false);
  }

  public boolean isGreedy() {
    return temperature == 0 || topK == 1;
  }
}
