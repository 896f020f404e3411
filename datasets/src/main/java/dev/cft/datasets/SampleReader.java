package dev.cft.datasets;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.function.ToLongFunction;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads a data file into {@link Sample}s, checking every example by the rules of OpenAI's
 * fine-tuning format, and cleaning its text ({@link TextCleaner}) on the way. Every problem names
 * its line and field; reading goes on after one, so a file's errors are all found in one pass.
 *
 * <p>One file over 300 lines on purpose: the three formats share the line loop, the issue collector
 * and the limits, and the rules they have in common (roles, weights, lengths) must not drift apart.
 */
public final class SampleReader {
  /** Counts an example's tokens; UTF-8 bytes by default (an upper bound for byte-level BPE). */
  public interface TokenCounter extends ToLongFunction<Sample> {}

  /**
   * @param maxExampleTokens an example above this is an error (its tokens would be cut off)
   * @param maxIssuesListed problems kept in full; all are counted
   * @param maxLineBytes a longer line is an error, and is skipped without being held in memory
   * @param maxExpandedBytes a compressed file that expands beyond this is refused (a gzip bomb)
   */
  public record Limits(
      long maxExampleTokens,
      int maxIssuesListed,
      TokenCounter tokens,
      int maxLineBytes,
      long maxExpandedBytes) {
    public static final TokenCounter UTF8_BYTES = Sample::utf8Bytes;
    public static final int DEFAULT_MAX_LINE_BYTES = 8 << 20;
    public static final long DEFAULT_MAX_EXPANDED_BYTES = 4L << 30;

    public Limits(long maxExampleTokens, int maxIssuesListed, TokenCounter tokens) {
      this(
          maxExampleTokens,
          maxIssuesListed,
          tokens,
          DEFAULT_MAX_LINE_BYTES,
          DEFAULT_MAX_EXPANDED_BYTES);
    }

    public static Limits defaults() {
      return new Limits(32_768, 100, UTF8_BYTES);
    }
  }

  /** An example and the line it starts on. */
  public record Line(long line, Sample sample) {}

  /**
   * @param samples the valid examples; empty when only {@link #check checked}
   * @param sampleCount the valid examples found, also when they were not kept
   * @param issueCount every problem found; {@code issues} holds the first ones
   * @param lines lines read
   */
  public record Result(
      String file,
      Format format,
      List<Line> samples,
      long sampleCount,
      List<Issue> issues,
      long issueCount,
      long lines) {
    public boolean valid() {
      return issueCount == 0;
    }
  }

  static final Set<String> ROLES = Set.of("system", "user", "assistant");
  private static final Set<String> MESSAGE_KEYS = Set.of("role", "content", "name", "weight");
  private static final Set<String> CHAT_KEYS = Set.of("messages");
  private static final Set<String> COMPLETION_KEYS = Set.of("prompt", "completion");
  private static final Set<String> TEXT_KEYS = Set.of("text");

  /**
   * Ends a CSV row's text in the prompt, so the model sees where the text stops and the label
   * starts.
   */
  public static final String CSV_PROMPT_SUFFIX = "\n";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Limits limits;

  public SampleReader(Limits limits) {
    this.limits = limits;
  }

  /**
   * Reads {@code in} as the file {@code fileName} says ({@link Format#of}); a name of no known
   * format gives one file-level issue and no samples.
   */
  public Result read(String fileName, InputStream in) throws IOException {
    return read(fileName, in, true);
  }

  /**
   * Reads {@code in} as {@link #read} does, keeping only counts and issues: a file of any size is
   * checked in constant memory.
   */
  public Result check(String fileName, InputStream in) throws IOException {
    return read(fileName, in, false);
  }

  private Result read(String fileName, InputStream in, boolean keep) throws IOException {
    Collector out = new Collector(fileName, limits.maxIssuesListed(), keep);
    Format format = Format.of(fileName).orElse(null);
    if (format == null) {
      out.add(
          Issue.file(
              "unknown file type: use .jsonl (chat, prompt/completion or text), .txt or .csv,"
                  + " optionally .gz"));
      return out.result(null, 0);
    }
    InputStream data = new BufferedInputStream(in, 1 << 16);
    if (Format.isGzip(fileName)) {
      try {
        data =
            new BufferedInputStream(
                new ExpansionLimit(new GZIPInputStream(data, 1 << 16), limits.maxExpandedBytes()),
                1 << 16);
      } catch (ZipException | java.io.EOFException e) {
        out.add(Issue.file("is named .gz but is not gzip data (" + e.getMessage() + ")"));
        return out.result(format, 0);
      }
    }
    LineSource lines = new LineSource(data, limits.maxLineBytes());
    try {
      switch (format) {
        case JSONL -> readJsonLines(lines, out);
        case TEXT -> readParagraphs(lines, out);
        case CSV -> readCsv(lines, out);
      }
    } catch (ExpansionLimit.Exceeded e) {
      out.add(Issue.file(e.getMessage() + ": refused (a gzip bomb, or a file to split)"));
    } catch (ZipException | java.io.EOFException e) {
      out.add(Issue.file("the gzip data is damaged or cut short (" + e.getMessage() + ")"));
    }
    return out.result(format, lines.number());
  }

  private void readJsonLines(LineSource lines, Collector out) throws IOException {
    String firstKind = null;
    long firstKindLine = 0;
    for (LineSource.Line line = lines.next(); line != null; line = lines.next()) {
      if (line.error() != null) {
        out.add(new Issue(line.number(), null, line.error()));
        continue;
      }
      if (line.text().isBlank()) {
        continue;
      }
      Parsing at = new Parsing(line.number(), out);
      Sample sample = parseJson(line.text(), at);
      if (sample == null) {
        continue;
      }
      String kind = sample.kind();
      if (firstKind == null) {
        firstKind = kind;
        firstKindLine = line.number();
      } else if (!firstKind.equals(kind)) {
        at.issue(
            null,
            "is a "
                + kind
                + " example, but line "
                + firstKindLine
                + " made this a file of "
                + firstKind
                + " examples: one format per file");
        continue;
      }
      out.accept(line.number(), sample, limits);
    }
  }

  private Sample parseJson(String text, Parsing at) {
    JsonNode node;
    try {
      node = JSON.readTree(text);
    } catch (JsonProcessingException e) {
      // Jackson names its input as "[Source: REDACTED ...; line: 1, column: 14]": the column
      // is what helps.
      String why =
          e.getOriginalMessage().replaceAll("\\[Source: [^\\]]*?column: (\\d+)]", "column $1");
      int column = e.getLocation() == null ? -1 : e.getLocation().getColumnNr();
      return at.issue(
          null,
          "is not valid JSON" + (column > 0 ? " at column " + column : "") + " (" + why + ")");
    }
    if (node == null || !node.isObject()) {
      return at.issue(null, "must be a JSON object, found " + typeOf(node));
    }
    if (node.has("messages")) {
      return unknownKeys(node, CHAT_KEYS, "", "a chat example", at) ? null : chat(node, at);
    }
    if (node.has("prompt") || node.has("completion")) {
      if (unknownKeys(node, COMPLETION_KEYS, "", "a prompt/completion example", at)) {
        return null;
      }
      String prompt = string(node, "prompt", "prompt", true, at);
      String completion = string(node, "completion", "completion", false, at);
      return prompt == null || completion == null
          ? null
          : new Sample.Completion(prompt, completion);
    }
    if (node.has("text")) {
      if (unknownKeys(node, TEXT_KEYS, "", "a text example", at)) {
        return null;
      }
      String value = string(node, "text", "text", false, at);
      return value == null ? null : new Sample.Text(value);
    }
    return at.issue(
        null, "has none of the fields \"messages\", \"prompt\"/\"completion\" or \"text\"");
  }

  private Sample chat(JsonNode node, Parsing at) {
    JsonNode messages = node.get("messages");
    if (!messages.isArray() || messages.isEmpty()) {
      return at.issue("messages", "must be a non-empty array of messages");
    }
    List<Sample.Message> turns = new ArrayList<>();
    boolean ok = true;
    for (int i = 0; i < messages.size(); i++) {
      String field = "messages[" + i + "]";
      JsonNode message = messages.get(i);
      if (!message.isObject()) {
        at.issue(
            field, "must be an object with \"role\" and \"content\", found " + typeOf(message));
        ok = false;
        continue;
      }
      if (unknownKeys(message, MESSAGE_KEYS, field + ".", "a message", at)) {
        ok = false;
        continue;
      }
      Sample.Message turn = message(message, field, at);
      ok &= turn != null;
      if (turn != null) {
        turns.add(turn);
      }
    }
    if (!ok) {
      return null;
    }
    if (turns.stream().noneMatch(Sample.Message::trained)) {
      return at.issue(
          "messages", "has no assistant message to learn from (with weight 1 or no weight)");
    }
    return new Sample.Chat(turns);
  }

  private Sample.Message message(JsonNode message, String field, Parsing at) {
    String role = string(message, "role", field + ".role", false, at);
    if (role == null) {
      return null;
    }
    if (!ROLES.contains(role)) {
      return at.issue(
          field + ".role",
          "is \""
              + role
              + "\": use system, user or assistant"
              + (role.equals("tool") || role.equals("function")
                  ? " (tool and function calls are not supported)"
                  : ""));
    }
    String content = string(message, "content", field + ".content", false, at);
    if (content == null) {
      return null;
    }
    String name = null;
    if (message.has("name")) {
      JsonNode value = message.get("name");
      if (!value.isTextual() || value.textValue().isBlank()) {
        return at.issue(field + ".name", "must be a non-empty string");
      }
      name = value.textValue();
    }
    Integer weight = null;
    if (message.has("weight")) {
      JsonNode value = message.get("weight");
      if (!role.equals("assistant")) {
        return at.issue(field + ".weight", "is only allowed on assistant messages");
      }
      if (!value.isIntegralNumber() || (value.intValue() != 0 && value.intValue() != 1)) {
        return at.issue(field + ".weight", "must be 0 or 1, found " + value);
      }
      weight = value.intValue();
    }
    return new Sample.Message(role, content, name, weight);
  }

  /**
   * A cleaned string field; null (with an issue) when it is missing, not a string, or empty after
   * cleaning (unless {@code emptyAllowed}).
   */
  private static String string(
      JsonNode object, String key, String field, boolean emptyAllowed, Parsing at) {
    JsonNode value = object.get(key);
    if (value == null || value.isNull()) {
      return at.issue(field, "is missing");
    }
    if (!value.isTextual()) {
      return at.issue(field, "must be a string, found " + typeOf(value));
    }
    String cleaned = TextCleaner.clean(value.textValue());
    if (!emptyAllowed && cleaned.isBlank()) {
      return at.issue(field, "is empty");
    }
    return cleaned;
  }

  private static boolean unknownKeys(
      JsonNode object, Set<String> allowed, String prefix, String what, Parsing at) {
    boolean found = false;
    for (Iterator<String> names = object.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!allowed.contains(name)) {
        at.issue(
            prefix + name, "is not a field of " + what + " (allowed: " + sorted(allowed) + ")");
        found = true;
      }
    }
    return found;
  }

  private static String sorted(Set<String> names) {
    return String.join(", ", names.stream().sorted().toList());
  }

  private static String typeOf(JsonNode node) {
    return node == null ? "nothing" : node.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
  }

  private void readParagraphs(LineSource lines, Collector out) throws IOException {
    StringBuilder paragraph = new StringBuilder();
    long start = 0;
    for (LineSource.Line line = lines.next(); ; line = lines.next()) {
      boolean boundary = line == null || (line.error() == null && line.text().isBlank());
      if (boundary) {
        if (paragraph.length() > 0) {
          String text = TextCleaner.clean(paragraph.toString());
          if (!text.isBlank()) {
            out.accept(start, new Sample.Text(text), limits);
          }
          paragraph.setLength(0);
        }
        if (line == null) {
          return;
        }
        continue;
      }
      if (line.error() != null) {
        out.add(new Issue(line.number(), null, line.error()));
        continue;
      }
      if (paragraph.length() == 0) {
        start = line.number();
      } else {
        paragraph.append('\n');
      }
      paragraph.append(line.text());
    }
  }

  private void readCsv(LineSource lines, Collector out) throws IOException {
    CsvRows rows = new CsvRows(lines);
    boolean first = true;
    for (CsvRows.Row row = rows.next(); row != null; row = rows.next()) {
      if (row.error() != null) {
        out.add(new Issue(row.line(), null, row.error()));
        continue;
      }
      List<String> fields = row.fields();
      if (first && fields.size() == 2 && isHeader(fields)) {
        first = false;
        continue;
      }
      first = false;
      if (fields.size() == 1 && fields.get(0).isBlank()) {
        continue; // an empty line
      }
      Parsing at = new Parsing(row.line(), out);
      if (fields.size() != 2) {
        at.issue(null, "has " + fields.size() + " columns, expected 2 (text,label)");
        continue;
      }
      String text = TextCleaner.clean(fields.get(0));
      String label = TextCleaner.clean(fields.get(1)).strip();
      if (text.isBlank()) {
        at.issue("text", "is empty");
      } else if (label.isEmpty()) {
        at.issue("label", "is empty");
      } else {
        out.accept(row.line(), new Sample.Completion(text + CSV_PROMPT_SUFFIX, label), limits);
      }
    }
  }

  private static boolean isHeader(List<String> fields) {
    return fields.get(0).strip().equalsIgnoreCase("text")
        && fields.get(1).strip().equalsIgnoreCase("label");
  }

  /** Where an example is being parsed, so its problems carry the line. */
  private record Parsing(long line, Collector out) {
    <T> T issue(String field, String message) {
      out.add(new Issue(line, field, message));
      return null;
    }
  }

  private static final class Collector {
    final String file;
    final List<Line> samples = new ArrayList<>();
    final List<Issue> issues = new ArrayList<>();
    final int listed;
    final boolean keep;
    long count;
    long valid;

    Collector(String file, int listed, boolean keep) {
      this.file = file;
      this.listed = listed;
      this.keep = keep;
    }

    void add(Issue issue) {
      count++;
      if (issues.size() < listed) {
        issues.add(issue);
      }
    }

    void accept(long line, Sample sample, Limits limits) {
      long tokens = limits.tokens().applyAsLong(sample);
      if (tokens > limits.maxExampleTokens()) {
        add(
            new Issue(
                line,
                null,
                "is "
                    + tokens
                    + " tokens long, over the limit of "
                    + limits.maxExampleTokens()
                    + " per example"));
        return;
      }
      valid++;
      if (keep) {
        samples.add(new Line(line, sample));
      }
    }

    Result result(Format format, long lines) {
      return new Result(
          file, format, List.copyOf(samples), valid, List.copyOf(issues), count, lines);
    }
  }
}
