package dev.cft.lm.data;

import java.util.List;

/**
 * One training example as text segments, each marked whether the model is trained to produce it.
 * Prompt and completion, a chat, or plain text all reduce to this; the loss counts only the tokens
 * of trained segments (completion-only loss), so the model learns to answer, not to echo prompts.
 */
public record Example(List<Segment> segments) {
  public record Segment(String text, boolean trained) {}

  public Example {
    if (segments.isEmpty()) {
      throw new IllegalArgumentException("an example needs at least one segment");
    }
    segments = List.copyOf(segments);
  }

  public static Example completion(String prompt, String completion) {
    return new Example(List.of(new Segment(prompt, false), new Segment(completion, true)));
  }

  public static Example text(String text) {
    return new Example(List.of(new Segment(text, true)));
  }

  /** The text before the first trained segment: what a model is given to complete. */
  public String prompt() {
    StringBuilder prompt = new StringBuilder();
    for (Segment segment : segments) {
      if (segment.trained()) {
        break;
      }
      prompt.append(segment.text());
    }
    return prompt.toString();
  }

  /** The text of the first trained run: the reference an answer is compared with. */
  public String reference() {
    StringBuilder reference = new StringBuilder();
    boolean started = false;
    for (Segment segment : segments) {
      if (segment.trained()) {
        reference.append(segment.text());
        started = true;
      } else if (started) {
        break;
      }
    }
    return reference.toString();
  }
}
