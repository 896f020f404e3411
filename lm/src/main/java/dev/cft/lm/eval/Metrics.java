package dev.cft.lm.eval;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What an evaluation measured over the trained tokens of a data set.
 *
 * @param exactMatch share of examples whose generated completion equals the reference (trimmed);
 *     null when not measured
 */
public record Metrics(
    double loss,
    double perplexity,
    double tokenAccuracy,
    Double exactMatch,
    long tokens,
    int examples) {
  public Map<String, Object> asMap() {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("loss", loss);
    map.put("perplexity", perplexity);
    map.put("token_accuracy", tokenAccuracy);
    if (exactMatch != null) {
      map.put("exact_match", exactMatch);
    }
    map.put("tokens", tokens);
    map.put("examples", examples);
    return map;
  }
}
