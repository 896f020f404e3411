package dev.cft.deploy.rest.openai;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import dev.cft.deploy.rest.OpenAiError;
import dev.cft.lm.data.ChatTemplate;
import dev.cft.lm.generate.GenerationRequest;
import java.util.ArrayList;
import java.util.List;

/** A {@code POST /v1/chat/completions} body. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ChatCompletionRequest(
    @JsonDeserialize(using = StrictText.class) String model,
    List<ChatMessage> messages,
    Boolean stream,
    @JsonUnwrapped Sampling sampling)
    implements ServingRequest {
  /** When the request sets none; completions default to OpenAI's 16. */
  public static final int DEFAULT_MAX_TOKENS = 256;

  /**
   * The chat so far in the pipeline's template (the one training used), ending with the assistant's
   * header.
   */
  public String promptText() {
    if (messages == null || messages.isEmpty()) {
      throw OpenAiError.invalid("messages", "'messages' must be a non-empty array");
    }
    List<ChatTemplate.Message> turns = new ArrayList<>();
    for (int i = 0; i < messages.size(); i++) {
      turns.add(ChatMessage.turn(messages.get(i), i));
    }
    return ChatTemplate.prompt(turns);
  }

  /** The answer ends at the end of the assistant's turn, as every trained answer did. */
  @Override
  public GenerationRequest generation() {
    return sampling.generation(promptText(), DEFAULT_MAX_TOKENS, ChatTemplate.END);
  }
}
