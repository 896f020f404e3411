package dev.cft.lm.data;

import dev.cft.datasets.Issue;
import dev.cft.datasets.Sample;
import dev.cft.datasets.SampleReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Reads training and evaluation data files into examples, in the pipeline's formats (see {@link
 * SampleReader}, shared with the ingest stage so that what it accepts trains here unchanged):
 *
 * <ul>
 *   <li>{@code .jsonl}: one JSON object a line, all of one kind: {@code {"messages":[{"role",
 *       "content"}, ...]}} (OpenAI chat, rendered with {@link ChatTemplate}), {@code
 *       {"prompt","completion"}} or {@code {"text"}}. Blank lines are skipped.
 *   <li>{@code .txt}: plain text, one example per paragraph (paragraphs are separated by blank
 *       lines). Not the whole file as one example: the {@link Packer} cuts an example at one
 *       context window, so a long file would train on its first window only.
 *   <li>{@code .csv}: {@code text,label} rows, trained as prompt {@code "<text>\n"} and completion
 *       {@code "<label>"}.
 *   <li>any of them gzipped ({@code .jsonl.gz}, ...).
 * </ul>
 *
 * Text must be UTF-8. A file is read whole before anything is reported, so one run lists every bad
 * line (up to {@value #MAX_ERRORS}) instead of making the user fix them one at a time.
 */
public final class DataFiles {
  /** Errors listed in the message; more are counted, not listed, to keep it one readable line. */
  public static final int MAX_ERRORS = 5;

  private static final SampleReader READER =
      new SampleReader(
          new SampleReader.Limits(Long.MAX_VALUE, MAX_ERRORS, SampleReader.Limits.UTF8_BYTES));

  /** The file cannot be used as data; the message names file, line and field of each problem. */
  public static final class InvalidDataException extends IOException {
    public InvalidDataException(String message) {
      super(message);
    }
  }

  private DataFiles() {}

  public static List<Example> read(Path file) throws IOException {
    SampleReader.Result result;
    try (InputStream in = Files.newInputStream(file)) {
      result = READER.read(file.getFileName().toString(), in);
    }
    if (!result.valid()) {
      String message =
          result.issues().stream().map(i -> describe(file, i)).collect(Collectors.joining("; "));
      if (result.issueCount() > result.issues().size()) {
        message += "; and " + (result.issueCount() - result.issues().size()) + " more problems";
      }
      throw new InvalidDataException(message);
    }
    if (result.samples().isEmpty()) {
      throw new InvalidDataException(file + ": no examples (the file is empty or blank)");
    }
    return result.samples().stream().map(line -> toExample(line.sample())).toList();
  }

  /** {@code data.jsonl line 3: field "messages[0].role" is "robot": ...} */
  private static String describe(Path file, Issue issue) {
    StringBuilder text = new StringBuilder().append(file);
    if (issue.line() != null) {
      text.append(" line ").append(issue.line());
    }
    text.append(": ");
    if (issue.field() != null) {
      text.append("field \"").append(issue.field()).append("\" ");
    }
    return text.append(issue.message()).toString();
  }

  /** The example a sample trains as: chats through the template, assistant turns trained. */
  public static Example toExample(Sample sample) {
    if (sample instanceof Sample.Chat chat) {
      return ChatTemplate.render(
          chat.messages().stream()
              .map(m -> new ChatTemplate.Message(m.role(), m.content(), m.trained()))
              .toList());
    }
    if (sample instanceof Sample.Completion completion) {
      return Example.completion(completion.prompt(), completion.completion());
    }
    return Example.text(((Sample.Text) sample).text());
  }
}
