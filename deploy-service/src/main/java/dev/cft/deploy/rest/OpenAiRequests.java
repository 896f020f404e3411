package dev.cft.deploy.rest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cft.lm.data.ChatTemplate;
import dev.cft.lm.generate.GenerationRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Reads OpenAI request bodies into generation requests, refusing what is not supported by name
 * (rather than ignoring it: a client that asks for logprobs and gets none would misread the reply).
 */
final class OpenAiRequests {
  static final int MAX_STOPS = 4;
  private static final Set<String> ROLES = Set.of("system", "developer", "user", "assistant");

  private OpenAiRequests() {}

  static String model(JsonNode body) {
    if (body == null || !body.isObject()) {
      throw OpenAiError.invalid(null, "the request body must be a JSON object");
    }
    JsonNode model = body.get("model");
    if (model == null || !model.isTextual() || model.asText().isBlank()) {
      throw OpenAiError.invalid(
          "model", "'model' is required: the domain to complete with (GET /v1/models)");
    }
    return model.asText();
  }

  static boolean stream(JsonNode body) {
    return body.path("stream").asBoolean(false);
  }

  /** The prompt of a completions request: a string, or an array holding one string. */
  static String prompt(JsonNode body) {
    JsonNode prompt = body.get("prompt");
    if (prompt == null || prompt.isNull()) {
      return "";
    }
    if (prompt.isTextual()) {
      return prompt.asText();
    }
    if (prompt.isArray() && prompt.size() == 1 && prompt.get(0).isTextual()) {
      return prompt.get(0).asText();
    }
    throw OpenAiError.invalid(
        "prompt", "'prompt' must be a string (batches of prompts are not supported)");
  }

  /** The chat so far, in the pipeline's template, ending with the assistant's header. */
  static String chatPrompt(JsonNode body) {
    JsonNode messages = body.get("messages");
    if (messages == null || !messages.isArray() || messages.isEmpty()) {
      throw OpenAiError.invalid("messages", "'messages' must be a non-empty array");
    }
    List<ChatTemplate.Message> turns = new ArrayList<>();
    for (int i = 0; i < messages.size(); i++) {
      JsonNode m = messages.get(i);
      String role = m.path("role").asText("");
      if (!ROLES.contains(role)) {
        throw OpenAiError.invalid(
            "messages[" + i + "].role",
            "role '" + role + "' is not supported: use system, user or assistant");
      }
      turns.add(
          new ChatTemplate.Message(
              role.equals("developer") ? "system" : role, content(m.get("content"), i)));
    }
    return ChatTemplate.prompt(turns);
  }

  private static String content(JsonNode content, int i) {
    if (content != null && content.isTextual()) {
      return content.asText();
    }
    if (content != null && content.isArray()) {
      StringBuilder text = new StringBuilder();
      for (JsonNode part : content) {
        if (!"text".equals(part.path("type").asText())) {
          throw OpenAiError.invalid(
              "messages[" + i + "].content", "only text content parts are supported");
        }
        text.append(part.path("text").asText());
      }
      return text.toString();
    }
    throw OpenAiError.invalid(
        "messages[" + i + "].content", "'content' must be a string or text parts");
  }

  /** Sampling settings common to both endpoints; {@code extraStop} ends chat answers. */
  static GenerationRequest generation(
      JsonNode body, String prompt, int defaultMaxTokens, String extraStop) {
    unsupported(body, "logprobs", n -> n.isBoolean() ? n.asBoolean() : !n.isNull());
    unsupported(body, "echo", JsonNode::asBoolean);
    unsupported(body, "tools", n -> !n.isNull() && !n.isEmpty());
    unsupported(body, "presence_penalty", n -> n.asDouble() != 0);
    unsupported(body, "frequency_penalty", n -> n.asDouble() != 0);
    if (body.has("n") && body.get("n").asInt(1) != 1) {
      throw OpenAiError.invalid("n", "only n = 1 is supported");
    }
    int maxTokens = defaultMaxTokens;
    for (String key : List.of("max_completion_tokens", "max_tokens")) {
      if (body.hasNonNull(key)) {
        if (!body.get(key).canConvertToInt() || body.get(key).asInt() < 1) {
          throw OpenAiError.invalid(key, "'" + key + "' must be a positive integer");
        }
        maxTokens = body.get(key).asInt();
        break;
      }
    }
    double temperature = number(body, "temperature", 1.0, 0, 2);
    double topP = number(body, "top_p", 1.0, Double.MIN_VALUE, 1);
    int topK = body.path("top_k").asInt(0);
    List<String> stop = new ArrayList<>();
    JsonNode stops = body.get("stop");
    if (stops != null && stops.isTextual()) {
      stop.add(stops.asText());
    } else if (stops != null && stops.isArray()) {
      stops.forEach(s -> stop.add(s.asText()));
    }
    if (stop.size() > MAX_STOPS) {
      throw OpenAiError.invalid("stop", "at most " + MAX_STOPS + " stop sequences");
    }
    if (extraStop != null) {
      stop.add(extraStop);
    }
    long seed =
        body.hasNonNull("seed")
            ? body.get("seed").asLong()
            : ThreadLocalRandom.current().nextLong();
    return new GenerationRequest(prompt, maxTokens, temperature, topK, topP, stop, seed, true);
  }

  private static double number(JsonNode body, String key, double fallback, double min, double max) {
    if (!body.hasNonNull(key)) {
      return fallback;
    }
    double value = body.get(key).asDouble(Double.NaN);
    if (!(value >= min && value <= max)) {
      throw OpenAiError.invalid(
          key,
          "'" + key + "' must be between " + (min == Double.MIN_VALUE ? 0 : min) + " and " + max);
    }
    return value;
  }

  private static void unsupported(
      JsonNode body, String key, java.util.function.Predicate<JsonNode> asked) {
    if (body.hasNonNull(key) && asked.test(body.get(key))) {
      throw OpenAiError.invalid(key, "'" + key + "' is not supported by this server");
    }
  }
}
