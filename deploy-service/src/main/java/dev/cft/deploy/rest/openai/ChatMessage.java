package dev.cft.deploy.rest.openai;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.cft.deploy.rest.OpenAiError;
import dev.cft.lm.data.ChatTemplate;
import java.util.List;
import java.util.Set;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * One message of a chat request.
 *
 * @param role system, developer (taken as system), user or assistant
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ChatMessage(String role, Content content) {
  private static final Set<String> ROLES = Set.of("system", "developer", "user", "assistant");

  /** Message {@code i} as a turn of the pipeline's chat template; a null message has no role. */
  static ChatTemplate.Message turn(ChatMessage message, int i) {
    String role = message == null || message.role == null ? "" : message.role;
    if (!ROLES.contains(role)) {
      throw invalid(
          i, "role", "role '" + role + "' is not supported: use system, user or assistant");
    }
    if (message.content == null) {
      throw invalid(i, "content", "'content' must be a string or text parts");
    }
    return new ChatTemplate.Message(
        role.equals("developer") ? "system" : role, message.content.joined(i));
  }

  private static OpenAiError invalid(int i, String field, String message) {
    return OpenAiError.invalid("messages[" + i + "]." + field, message);
  }

  /** A message's content: a string, or an array of parts of which only text is supported. */
  @Schema(oneOf = {String.class, Part[].class})
  public record Content(String text, List<Part> parts) {
    /** Not from an object: an object is not content, whatever its fields. */
    @JsonCreator(mode = JsonCreator.Mode.DISABLED)
    public Content {}

    // Delegating, said explicitly: with parameter names compiled in, Jackson would take a lone
    // String argument for the property "text".
    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public static Content of(String text) {
      return new Content(text, null);
    }

    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public static Content of(List<Part> parts) {
      return new Content(null, parts);
    }

    /** The text, its parts joined; {@code i} names the message in errors. */
    String joined(int i) {
      if (parts == null) {
        return text;
      }
      StringBuilder joined = new StringBuilder();
      for (Part part : parts) {
        if (part == null || !"text".equals(part.type())) {
          throw invalid(i, "content", "only text content parts are supported");
        }
        joined.append(part.text() == null ? "" : part.text());
      }
      return joined.toString();
    }
  }

  /** A content part: {@code {"type": "text", "text": ...}}. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Part(String type, String text) {}
}
