package dev.cft.deploy.rest.openai;

import com.fasterxml.jackson.annotation.JsonTypeName;
import java.util.List;

/**
 * A {@code text_completion}: the whole answer, or one chunk of a stream (OpenAI streams completions
 * in the same shape), the last of which carries the usage.
 */
@JsonTypeName("text_completion")
public record Completion(String id, long created, String model, List<Text> choices, Usage usage)
    implements OpenAiObject {
  public record Text(int index, String text, String finishReason) implements Choice {}
}
