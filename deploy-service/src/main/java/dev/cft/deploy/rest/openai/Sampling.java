package dev.cft.deploy.rest.openai;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.cft.deploy.rest.OpenAiError;
import dev.cft.lm.generate.GenerationRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * The settings both endpoints share, unwrapped from the request's top level. The last six are
 * refused when asked for, by name, rather than ignored: a client that asks for logprobs and gets
 * none would misread the reply.
 *
 * @param stop a string or up to {@value #MAX_STOPS} of them
 * @param topK not OpenAI's: keep the k most likely tokens (0 or absent: all)
 * @param logprobs an integer on completions, a boolean on chat: asked for unless null or false
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonIgnoreProperties(ignoreUnknown = true)
public record Sampling(
    Integer maxTokens,
    Integer maxCompletionTokens,
    Double temperature,
    Double topP,
    Integer topK,
    @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
        @JsonDeserialize(contentUsing = StrictText.class)
        @Schema(oneOf = {String.class, String[].class})
        List<String> stop,
    Long seed,
    Integer n,
    Object logprobs,
    Boolean echo,
    List<Object> tools,
    Double presencePenalty,
    Double frequencyPenalty) {
  public static final int MAX_STOPS = 4;

  /**
   * The generation of {@code prompt} these settings ask for.
   *
   * @param defaultMaxTokens when neither {@code max_completion_tokens} nor {@code max_tokens} is
   *     given (OpenAI's defaults differ by endpoint)
   * @param extraStop ends the answer besides the caller's stops (chat's end of turn); may be null
   */
  public GenerationRequest generation(String prompt, int defaultMaxTokens, String extraStop) {
    refuseIfAsked("logprobs", logprobs instanceof Boolean ? (Boolean) logprobs : logprobs != null);
    refuseIfAsked("echo", Boolean.TRUE.equals(echo));
    refuseIfAsked("tools", tools != null && !tools.isEmpty());
    refuseIfAsked("presence_penalty", presencePenalty != null && presencePenalty != 0);
    refuseIfAsked("frequency_penalty", frequencyPenalty != null && frequencyPenalty != 0);
    if (n != null && n != 1) {
      throw OpenAiError.invalid("n", "only n = 1 is supported");
    }
    // max_completion_tokens is the newer name and wins, as on OpenAI's API.
    int max =
        maxCompletionTokens != null
            ? positive("max_completion_tokens", maxCompletionTokens)
            : maxTokens != null ? positive("max_tokens", maxTokens) : defaultMaxTokens;
    double t = between("temperature", temperature, 1.0, 0, 2);
    double p = between("top_p", topP, 1.0, Double.MIN_VALUE, 1);
    if (topK != null && topK < 0) {
      throw OpenAiError.invalid("top_k", "'top_k' must be 0 (all tokens) or a positive integer");
    }
    List<String> stops = new ArrayList<>();
    if (stop != null) {
      stop.stream().filter(Objects::nonNull).forEach(stops::add);
    }
    if (stops.size() > MAX_STOPS) {
      throw OpenAiError.invalid("stop", "at most " + MAX_STOPS + " stop sequences");
    }
    if (extraStop != null) {
      stops.add(extraStop);
    }
    long s = seed != null ? seed : ThreadLocalRandom.current().nextLong();
    return new GenerationRequest(prompt, max, t, topK == null ? 0 : topK, p, stops, s, true);
  }

  private static int positive(String param, int value) {
    if (value < 1) {
      throw OpenAiError.invalid(param, "'" + param + "' must be a positive integer");
    }
    return value;
  }

  private static double between(
      String param, Double value, double fallback, double min, double max) {
    if (value == null) {
      return fallback;
    }
    if (!(value >= min && value <= max)) {
      throw OpenAiError.invalid(
          param,
          "'"
              + param
              + "' must be between "
              + (min == Double.MIN_VALUE ? 0.0 : min)
              + " and "
              + max);
    }
    return value;
  }

  private static void refuseIfAsked(String param, boolean asked) {
    if (asked) {
      throw OpenAiError.invalid(param, "'" + param + "' is not supported by this server");
    }
  }
}
