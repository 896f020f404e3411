package dev.cft.lm.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads training and evaluation data files into examples.
 *
 * <ul>
 *   <li>{@code .jsonl}: one JSON object a line, any of {@code {"messages":[{"role","content"},
 *       ...]}} (OpenAI chat, rendered with {@link ChatTemplate}), {@code {"prompt","completion"}}
 *       or {@code {"text"}}; the formats may be mixed. Blank lines are skipped.
 *   <li>{@code .txt}: plain text, one example per paragraph (paragraphs are separated by blank
 *       lines). Not the whole file as one example: the {@link Packer} cuts an example at one
 *       context window, so a long file would train on its first window only.
 *   <li>either of them gzipped ({@code .jsonl.gz}, {@code .txt.gz}).
 * </ul>
 *
 * Text must be UTF-8. A file is read whole before anything is reported, so one run lists every bad
 * line (up to {@value #MAX_ERRORS}) instead of making the user fix them one at a time.
 */
public final class DataFiles {
  /** Errors listed in the message; more are counted, not listed, to keep it one readable line. */
  public static final int MAX_ERRORS = 5;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> ROLES = Set.of("system", "user", "assistant");

  /** The file cannot be used as data; the message names file, line and field of each problem. */
  public static final class InvalidDataException extends IOException {
    public InvalidDataException(String message) {
      super(message);
    }
  }

  /** A problem with one line, found while reading it. */
  private static final class LineError extends Exception {
    LineError(String message) {
      super(message, null, false, false);
    }
  }

  private DataFiles() {}

  public static List<Example> read(Path file) throws IOException {
    String name = file.getFileName().toString();
    boolean gzipped = name.endsWith(".gz");
    String inner = gzipped ? name.substring(0, name.length() - ".gz".length()) : name;
    boolean jsonl = inner.endsWith(".jsonl");
    if (!jsonl && !inner.endsWith(".txt")) {
      throw new InvalidDataException(
          file + ": unknown data format: name it .jsonl or .txt (optionally .gz)");
    }
    List<Example> examples = new ArrayList<>();
    Errors errors = new Errors(file);
    try (BufferedReader reader = open(file, gzipped)) {
      if (jsonl) {
        readJsonLines(reader, examples, errors);
      } else {
        readParagraphs(reader, examples, errors);
      }
    } catch (CharacterCodingException e) {
      // The reader decodes ahead of the line it returns: the bad byte is at or after this line.
      throw new InvalidDataException(
          file + " line " + (errors.line + 1) + ": not valid UTF-8 (at or after this line)");
    } catch (ZipException | EOFException e) {
      throw new InvalidDataException(file + ": not a valid gzip file (" + e.getMessage() + ")");
    }
    errors.throwIfAny();
    if (examples.isEmpty()) {
      throw new InvalidDataException(file + ": no examples (the file is empty or blank)");
    }
    return examples;
  }

  private static BufferedReader open(Path file, boolean gzipped) throws IOException {
    InputStream in = Files.newInputStream(file);
    try {
      if (gzipped) {
        in = new GZIPInputStream(in);
      }
    } catch (IOException e) {
      in.close();
      throw e;
    }
    // A reporting decoder: malformed UTF-8 fails instead of silently turning into U+FFFD.
    return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8.newDecoder()));
  }

  private static void readJsonLines(BufferedReader reader, List<Example> examples, Errors errors)
      throws IOException {
    for (String line = reader.readLine(); line != null; line = reader.readLine()) {
      errors.line++;
      if (errors.line == 1 && line.startsWith("\uFEFF")) {
        line = line.substring(1); // a byte-order mark some editors write
      }
      if (line.isBlank()) {
        continue;
      }
      try {
        examples.add(parse(line));
      } catch (LineError e) {
        errors.add(e.getMessage());
      }
    }
  }

  private static Example parse(String line) throws LineError {
    JsonNode node;
    try {
      node = JSON.readTree(line);
    } catch (JsonProcessingException e) {
      throw new LineError("not valid JSON (" + e.getOriginalMessage() + ")");
    }
    if (!node.isObject()) {
      throw new LineError("expected a JSON object, found " + node.getNodeType().name());
    }
    if (node.has("messages")) {
      return chat(node.get("messages"));
    }
    if (node.has("prompt") || node.has("completion")) {
      return Example.completion(
          string(node, "prompt", "prompt"), string(node, "completion", "completion"));
    }
    if (node.has("text")) {
      return Example.text(string(node, "text", "text"));
    }
    throw new LineError("none of the fields \"messages\", \"prompt\"/\"completion\" or \"text\"");
  }

  private static Example chat(JsonNode messages) throws LineError {
    if (!messages.isArray() || messages.isEmpty()) {
      throw new LineError("field \"messages\" must be a non-empty array");
    }
    List<ChatTemplate.Message> turns = new ArrayList<>();
    for (int i = 0; i < messages.size(); i++) {
      JsonNode message = messages.get(i);
      String field = "messages[" + i + "]";
      if (!message.isObject()) {
        throw new LineError("field \"" + field + "\" must be an object");
      }
      String role = string(message, "role", field + ".role");
      if (!ROLES.contains(role)) {
        throw new LineError(
            "field \"" + field + ".role\" is \"" + role + "\": use system, user or assistant");
      }
      turns.add(new ChatTemplate.Message(role, string(message, "content", field + ".content")));
    }
    // Only assistant turns are trained: a chat without one would teach nothing.
    if (turns.stream().noneMatch(m -> m.role().equals("assistant"))) {
      throw new LineError("field \"messages\" has no assistant message");
    }
    return ChatTemplate.render(turns);
  }

  private static String string(JsonNode object, String key, String field) throws LineError {
    JsonNode value = object.get(key);
    if (value == null || value.isNull()) {
      throw new LineError("field \"" + field + "\" is missing");
    }
    if (!value.isTextual()) {
      throw new LineError("field \"" + field + "\" must be a string");
    }
    return value.textValue();
  }

  private static void readParagraphs(BufferedReader reader, List<Example> examples, Errors errors)
      throws IOException {
    StringBuilder paragraph = new StringBuilder();
    for (String line = reader.readLine(); line != null; line = reader.readLine()) {
      errors.line++;
      if (line.isBlank()) {
        addParagraph(paragraph, examples);
      } else {
        paragraph.append(paragraph.length() == 0 ? "" : "\n").append(line);
      }
    }
    addParagraph(paragraph, examples);
  }

  private static void addParagraph(StringBuilder paragraph, List<Example> examples) {
    if (paragraph.length() > 0) {
      examples.add(Example.text(paragraph.toString()));
      paragraph.setLength(0);
    }
  }

  /** The bad lines of one file, and the line being read. */
  private static final class Errors {
    final Path file;
    final List<String> listed = new ArrayList<>();
    int count;
    int line;

    Errors(Path file) {
      this.file = file;
    }

    void add(String message) {
      count++;
      if (listed.size() < MAX_ERRORS) {
        listed.add(file + " line " + line + ": " + message);
      }
    }

    void throwIfAny() throws InvalidDataException {
      if (count == 0) {
        return;
      }
      String message = String.join("; ", listed);
      if (count > listed.size()) {
        message += "; and " + (count - listed.size()) + " more bad lines";
      }
      throw new InvalidDataException(message);
    }
  }
}
