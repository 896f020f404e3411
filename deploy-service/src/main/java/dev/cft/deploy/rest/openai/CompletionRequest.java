package dev.cft.deploy.rest.openai;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import dev.cft.deploy.rest.OpenAiError;
import dev.cft.lm.generate.GenerationRequest;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * A {@code POST /v1/completions} body.
 *
 * @param prompt a string, or an array holding one string: batches are refused; none is an empty
 *     prompt
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record CompletionRequest(
    @JsonDeserialize(using = StrictText.class) String model,
    @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
        @JsonDeserialize(contentUsing = StrictText.class)
        @Schema(oneOf = {String.class, String[].class})
        List<String> prompt,
    Boolean stream,
    @JsonUnwrapped Sampling sampling)
    implements ServingRequest {
  /** OpenAI's default for completions. */
  public static final int DEFAULT_MAX_TOKENS = 16;

  public String promptText() {
    if (prompt == null) {
      return "";
    }
    if (prompt.size() == 1 && prompt.get(0) != null) {
      return prompt.get(0);
    }
    throw OpenAiError.invalid(
        "prompt", "'prompt' must be a string (batches of prompts are not supported)");
  }

  @Override
  public GenerationRequest generation() {
    return sampling.generation(promptText(), DEFAULT_MAX_TOKENS, null);
  }
}
