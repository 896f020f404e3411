package dev.cft.stack.cli;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * The slice of OpenAI's chat API the demo and the benches speak to serving, as records: a request,
 * an answer or a streamed chunk of one, and the reading of a streamed answer's server-sent events.
 */
final class ChatApi {
  private static final ObjectMapper JSON =
      new ObjectMapper()
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .setDefaultPropertyInclusion(JsonInclude.Include.NON_NULL);

  private ChatApi() {}

  record Message(String role, String content) {}

  /** A chat completion request; null fields are left out. */
  record Request(
      String model,
      List<Message> messages,
      Boolean stream,
      @JsonProperty("max_tokens") Integer maxTokens,
      Double temperature,
      Integer seed) {

    /** One user message. */
    static Request ask(String model, String question, int maxTokens, double temperature) {
      return new Request(
          model, List.of(new Message("user", question)), null, maxTokens, temperature, null);
    }

    Request streamed() {
      return new Request(model, messages, true, maxTokens, temperature, seed);
    }

    Request seed(int value) {
      return new Request(model, messages, stream, maxTokens, temperature, value);
    }

    String json() {
      try {
        return JSON.writeValueAsString(this);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** An answer, or one chunk of a streamed one ({@code delta} instead of {@code message}). */
  record Reply(List<Choice> choices, Usage usage, Object error) {
    /** The first choice's text so far; empty when there is none. */
    String text() {
      if (choices == null || choices.isEmpty()) {
        return "";
      }
      Choice first = choices.get(0);
      Message message = first.message() != null ? first.message() : first.delta();
      return message == null || message.content() == null ? "" : message.content();
    }
  }

  record Choice(Message message, Message delta) {}

  record Usage(@JsonProperty("completion_tokens") int completionTokens) {}

  static Reply reply(String json) throws IOException {
    return JSON.readValue(json, Reply.class);
  }

  /** A client as OpenAI's clients speak to a plain-HTTP server. */
  static HttpClient http() {
    return HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5))
        .build();
  }

  static HttpRequest post(String base, Request request, Duration timeout) {
    return HttpRequest.newBuilder(URI.create(base + "/v1/chat/completions"))
        .header("content-type", "application/json")
        .timeout(timeout)
        .POST(HttpRequest.BodyPublishers.ofString(request.json()))
        .build();
  }

  /**
   * A streamed answer as read.
   *
   * @param firstTokenNanos when the first chunk with text came ({@code clock}); 0 if none did
   * @param completionTokens the usage the last chunk reports; 0 without one
   * @param done whether {@code [DONE]} ended the stream
   * @param error the error event that ended it; null without one
   */
  record Streamed(long firstTokenNanos, int completionTokens, boolean done, String error) {}

  /** Reads server-sent events up to {@code [DONE]}, an error event or the end of the stream. */
  static Streamed read(BufferedReader lines, LongSupplier clock) throws IOException {
    long first = 0;
    int tokens = 0;
    for (String line = lines.readLine(); line != null; line = lines.readLine()) {
      if (!line.startsWith("data: ")) {
        continue;
      }
      String data = line.substring(6);
      if (data.equals("[DONE]")) {
        return new Streamed(first, tokens, true, null);
      }
      Reply chunk = reply(data);
      if (chunk.error() != null) {
        return new Streamed(first, tokens, false, data);
      }
      if (first == 0 && !chunk.text().isEmpty()) {
        first = clock.getAsLong();
      }
      if (chunk.usage() != null) {
        tokens = chunk.usage().completionTokens();
      }
    }
    return new Streamed(first, tokens, false, null);
  }
}
