package dev.cft.deploy.rest.openai;

import com.fasterxml.jackson.annotation.JsonTypeName;
import java.util.List;

/**
 * A {@code chat.completion.chunk}: one event of a streamed chat answer. The first names the role,
 * the last carries the finish reason and the usage.
 */
@JsonTypeName("chat.completion.chunk")
public record ChatCompletionChunk(
    String id, long created, String model, List<Delta> choices, Usage usage)
    implements OpenAiObject {
  public record Delta(int index, ChatCompletion.Message delta, String finishReason)
      implements Choice {}
}
