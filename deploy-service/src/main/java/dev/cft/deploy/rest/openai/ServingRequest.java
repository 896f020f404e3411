package dev.cft.deploy.rest.openai;

import dev.cft.deploy.rest.OpenAiError;
import dev.cft.lm.generate.GenerationRequest;

/** What serving needs of a completions or a chat request, whichever endpoint it came to. */
public interface ServingRequest {
  /** A domain, answered by its production version, or a version by name. */
  String model();

  /** Server-sent events when true. */
  Boolean stream();

  /** The prompt and the sampling settings, checked: an {@link OpenAiError} names what is wrong. */
  GenerationRequest generation();

  default boolean streamed() {
    return Boolean.TRUE.equals(stream());
  }

  /** The model asked for; a request without one is the caller's error. */
  default String requiredModel() {
    if (model() == null || model().isBlank()) {
      throw OpenAiError.invalid(
          "model", "'model' is required: the domain to complete with (GET /v1/models)");
    }
    return model();
  }
}
