package dev.cft.deploy.rest.openai;

import dev.cft.lm.generate.GenerationResult;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * The answer to one request, whole or as the chunks of a stream; every chunk carries the answer's
 * id and time, as OpenAI's do. A completion streams in its own shape; a chat streams chunks that
 * first name the assistant's role, then add content.
 */
public record Reply(String id, long created, String model, boolean chat) {
  public static Reply text(String model) {
    return new Reply(id("cmpl-"), Instant.now().getEpochSecond(), model, false);
  }

  public static Reply chat(String model) {
    return new Reply(id("chatcmpl-"), Instant.now().getEpochSecond(), model, true);
  }

  private static String id(String prefix) {
    return prefix + UUID.randomUUID().toString().replace("-", "");
  }

  public Object whole(GenerationResult result) {
    if (!chat) {
      return text(result.text(), result.finishReason(), Usage.of(result));
    }
    ChatCompletion.Message message = new ChatCompletion.Message("assistant", result.text());
    return new ChatCompletion(
        id,
        created,
        model,
        List.of(new ChatCompletion.Answer(0, message, result.finishReason())),
        Usage.of(result));
  }

  /** The chunk a stream opens with, before any text; null when the endpoint sends none. */
  public Object opening() {
    return chat ? chunk(new ChatCompletion.Message("assistant", ""), null, null) : null;
  }

  public Object piece(String text) {
    return chat
        ? chunk(new ChatCompletion.Message(null, text), null, null)
        : text(text, null, null);
  }

  /** The last chunk: no text, the finish reason and the usage. */
  public Object closing(GenerationResult result) {
    return chat
        ? chunk(new ChatCompletion.Message(null, null), result.finishReason(), Usage.of(result))
        : text("", result.finishReason(), Usage.of(result));
  }

  private Completion text(String text, String finishReason, Usage usage) {
    return new Completion(
        id, created, model, List.of(new Completion.Text(0, text, finishReason)), usage);
  }

  private ChatCompletionChunk chunk(
      ChatCompletion.Message delta, String finishReason, Usage usage) {
    return new ChatCompletionChunk(
        id, created, model, List.of(new ChatCompletionChunk.Delta(0, delta, finishReason)), usage);
  }
}
