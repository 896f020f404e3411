package dev.cft.deploy.rest.openai;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonTypeName;
import java.util.List;

/** A {@code chat.completion}: the assistant's whole answer. */
@JsonTypeName("chat.completion")
public record ChatCompletion(
    String id, long created, String model, List<Answer> choices, Usage usage)
    implements OpenAiObject {
  public record Answer(int index, Message message, String finishReason) implements Choice {}

  /**
   * The assistant's message, or in a stream what one chunk adds to it: fields it does not change
   * are left out (the last chunk's is empty).
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Message(String role, String content) {}
}
