package dev.cft.datasets;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * One training example in one of the pipeline's three shapes. Each writes itself as one canonical
 * JSONL line (fixed key order), which is what dataset versions store and what their hashes cover.
 */
public sealed interface Sample {
  ObjectMapper JSON = new ObjectMapper();

  /** The example as the JSON object stored in a dataset version. */
  ObjectNode toJson();

  /**
   * What the model is given (the prompt; for a chat, every turn before the last assistant one):
   * examples with the same input share a split, so a question never sits in train and val.
   */
  String input();

  /** "chat", "prompt/completion" or "text", for messages. */
  String kind();

  /** All text of the example, for size limits (UTF-8 bytes bound any tokenizer's token count). */
  String allText();

  /** The canonical JSONL line, without a line break. */
  default String toJsonLine() {
    return toJson().toString();
  }

  default long utf8Bytes() {
    return allText().getBytes(StandardCharsets.UTF_8).length;
  }

  /**
   * One chat turn, as OpenAI's fine-tuning format has it.
   *
   * @param weight for assistant turns, 0 excludes the turn from training (OpenAI's {@code weight});
   *     null means trained
   */
  record Message(String role, String content, String name, Integer weight) {
    public Message(String role, String content) {
      this(role, content, null, null);
    }

    /** Whether the model is trained to produce this turn. */
    public boolean trained() {
      return role.equals("assistant") && (weight == null || weight == 1);
    }

    ObjectNode toJson() {
      ObjectNode node = JSON.createObjectNode().put("role", role).put("content", content);
      if (name != null) {
        node.put("name", name);
      }
      if (weight != null) {
        node.put("weight", weight);
      }
      return node;
    }
  }

  record Chat(List<Message> messages) implements Sample {
    @Override
    public String kind() {
      return "chat";
    }

    public Chat {
      messages = List.copyOf(messages);
    }

    @Override
    public ObjectNode toJson() {
      ObjectNode node = JSON.createObjectNode();
      ArrayNode array = node.putArray("messages");
      messages.forEach(m -> array.add(m.toJson()));
      return node;
    }

    @Override
    public String input() {
      int last = messages.size() - 1;
      while (last >= 0 && !messages.get(last).role().equals("assistant")) {
        last--;
      }
      StringBuilder input = new StringBuilder();
      for (int i = 0; i < Math.max(last, 0); i++) {
        input.append(messages.get(i).role()).append('\u0000').append(messages.get(i).content());
        input.append('\u0000');
      }
      return input.toString();
    }

    @Override
    public String allText() {
      StringBuilder text = new StringBuilder();
      messages.forEach(m -> text.append(m.role()).append('\n').append(m.content()).append('\n'));
      return text.toString();
    }
  }

  record Completion(String prompt, String completion) implements Sample {
    @Override
    public String kind() {
      return "prompt/completion";
    }

    @Override
    public ObjectNode toJson() {
      return JSON.createObjectNode().put("prompt", prompt).put("completion", completion);
    }

    @Override
    public String input() {
      return prompt;
    }

    @Override
    public String allText() {
      return prompt + completion;
    }
  }

  /** Plain text for continued pre-training: all of it is trained, and it is its own input. */
  record Text(String text) implements Sample {
    @Override
    public String kind() {
      return "text";
    }

    @Override
    public ObjectNode toJson() {
      return JSON.createObjectNode().put("text", text);
    }

    @Override
    public String input() {
      return text;
    }

    @Override
    public String allText() {
      return text;
    }
  }
}
