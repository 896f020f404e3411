package dev.cft.deploy.rest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cft.deploy.finetuning.CreateJob;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads {@code POST /v1/fine_tuning/jobs} bodies as OpenAI defines them: {@code hyperparameters} at
 * the top (the older form) or under {@code method.supervised}; each value a number or {@code
 * "auto"}. What is not supported is refused by name (a DPO job run as supervised would mislead).
 */
final class JobRequests {
  static final int MAX_METADATA = 16;

  private JobRequests() {}

  static CreateJob create(JsonNode body) {
    if (body == null || !body.isObject()) {
      throw OpenAiError.invalid(null, "the request body must be a JSON object");
    }
    String trainingFile = text(body, "training_file", true);
    String model = text(body, "model", true);
    JsonNode hyper = body.path("hyperparameters");
    JsonNode method = body.path("method");
    if (!method.isMissingNode() && !method.isNull()) {
      String type = method.path("type").asText("");
      if (!type.equals("supervised")) {
        throw OpenAiError.invalid(
            "method.type",
            "method.type '" + type + "' is not supported: only 'supervised' fine-tuning is");
      }
      JsonNode nested = method.path("supervised").path("hyperparameters");
      if (!nested.isMissingNode() && !nested.isNull()) {
        if (!hyper.isMissingNode() && !hyper.isNull()) {
          throw OpenAiError.invalid(
              "hyperparameters",
              "give hyperparameters once: at the top or under method.supervised, not both");
        }
        hyper = nested;
      }
    }
    JsonNode integrations = body.path("integrations");
    if (integrations.isArray() && !integrations.isEmpty()) {
      throw OpenAiError.invalid(
          "integrations", "integrations are not supported: metrics are in Prometheus/Grafana");
    }
    String suffix = text(body, "suffix", false);
    return new CreateJob(
        trainingFile,
        text(body, "validation_file", false),
        model,
        suffix,
        seed(body.path("seed")),
        (Integer) hyper(hyper, "n_epochs", true),
        (Integer) hyper(hyper, "batch_size", true),
        (Double) hyper(hyper, "learning_rate_multiplier", false),
        metadata(body.path("metadata")));
  }

  private static String text(JsonNode body, String field, boolean required) {
    JsonNode value = body.path(field);
    if (value.isMissingNode() || value.isNull()) {
      if (required) {
        throw OpenAiError.invalid(field, "'" + field + "' is required");
      }
      return null;
    }
    if (!value.isTextual() || value.asText().isBlank()) {
      throw OpenAiError.invalid(field, "'" + field + "' must be a non-empty string");
    }
    return value.asText();
  }

  private static Long seed(JsonNode seed) {
    if (seed.isMissingNode() || seed.isNull()) {
      return null;
    }
    if (!seed.canConvertToLong() || !seed.isIntegralNumber()) {
      throw OpenAiError.invalid("seed", "'seed' must be an integer");
    }
    return seed.asLong();
  }

  /** A number, or null for {@code "auto"} or absent. */
  private static Number hyper(JsonNode hyper, String field, boolean integral) {
    JsonNode value = hyper.path(field);
    if (value.isMissingNode() || value.isNull() || "auto".equals(value.asText(null))) {
      return null;
    }
    String param = "hyperparameters." + field;
    if (integral) {
      if (!value.isIntegralNumber() || value.asLong() < 1 || value.asLong() > 1_000_000) {
        throw OpenAiError.invalid(param, "'" + param + "' must be \"auto\" or a positive integer");
      }
      return value.asInt();
    }
    if (!value.isNumber() || !(value.asDouble() > 0) || !Double.isFinite(value.asDouble())) {
      throw OpenAiError.invalid(param, "'" + param + "' must be \"auto\" or a positive number");
    }
    return value.asDouble();
  }

  private static Map<String, String> metadata(JsonNode metadata) {
    if (metadata.isMissingNode() || metadata.isNull()) {
      return Map.of();
    }
    if (!metadata.isObject() || metadata.size() > MAX_METADATA) {
      throw OpenAiError.invalid(
          "metadata", "'metadata' must be an object of at most 16 string values");
    }
    Map<String, String> out = new LinkedHashMap<>();
    metadata
        .fields()
        .forEachRemaining(
            e -> {
              if (!e.getValue().isTextual()) {
                throw OpenAiError.invalid(
                    "metadata", "metadata '" + e.getKey() + "' must be a string");
              }
              out.put(e.getKey(), e.getValue().asText());
            });
    return out;
  }
}
