package dev.cft.lm.data;

import java.util.ArrayList;
import java.util.List;

/**
 * The one chat template of the pipeline, used alike for training and serving:
 *
 * <pre>
 * &lt;|system|&gt;\n{content}\n&lt;|user|&gt;\n{content}\n&lt;|assistant|&gt;\n{content}&lt;|end|&gt;\n
 * </pre>
 *
 * The markers are plain text, so any tokenizer (bytes or GPT-2's BPE) can encode them without new
 * embeddings. Only the assistant turns' content and their end marker are trained: the model learns
 * to answer and to stop.
 */
public final class ChatTemplate {
  public static final String END = "<|end|>";

  /**
   * @param trained whether an assistant turn is learned (OpenAI's {@code weight}: 0 keeps it as
   *     context only); ignored for other roles
   */
  public record Message(String role, String content, boolean trained) {
    public Message(String role, String content) {
      this(role, content, true);
    }
  }

  private ChatTemplate() {}

  public static String header(String role) {
    return "<|" + role + "|>\n";
  }

  public static Example render(List<Message> messages) {
    List<Example.Segment> segments = new ArrayList<>();
    for (Message message : messages) {
      if (message.role().equals("assistant")) {
        segments.add(new Example.Segment(header("assistant"), false));
        segments.add(new Example.Segment(message.content() + END, message.trained()));
        segments.add(new Example.Segment("\n", false));
      } else {
        segments.add(new Example.Segment(header(message.role()) + message.content() + "\n", false));
      }
    }
    return new Example(segments);
  }

  /** The prompt to serve a chat with: the conversation so far, then the assistant's header. */
  public static String prompt(List<Message> messages) {
    StringBuilder prompt = new StringBuilder();
    for (Message message : messages) {
      prompt.append(header(message.role())).append(message.content());
      prompt.append(message.role().equals("assistant") ? END + "\n" : "\n");
    }
    return prompt.append(header("assistant")).toString();
  }
}
