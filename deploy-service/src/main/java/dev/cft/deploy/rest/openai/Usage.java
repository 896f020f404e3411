package dev.cft.deploy.rest.openai;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.cft.lm.generate.GenerationResult;

/** Tokens of the prompt and of the answer. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record Usage(int promptTokens, int completionTokens, int totalTokens) {
  public static Usage of(GenerationResult result) {
    int completion = result.tokens().length;
    return new Usage(result.promptTokens(), completion, result.promptTokens() + completion);
  }
}
