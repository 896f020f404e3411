package dev.cft.lm.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataFilesTest {
  @TempDir Path dir;

  private Path write(String name, String content) throws IOException {
    Path file = dir.resolve(name);
    Files.writeString(file, content);
    return file;
  }

  private Path writeGzip(String name, String content) throws IOException {
    Path file = dir.resolve(name);
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
      out.write(content.getBytes(StandardCharsets.UTF_8));
    }
    return file;
  }

  private String errorOf(Path file) {
    return assertThrows(DataFiles.InvalidDataException.class, () -> DataFiles.read(file))
        .getMessage();
  }

  static final String MIXED =
      """
      {"prompt": "2+2=", "completion": "4"}

      {"text": "plain text, all trained"}
      {"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}]}
      """;

  @Test
  void jsonLinesOfEachShapeBecomeTheirExamplesAndBlankLinesAreSkipped() throws IOException {
    List<Example> examples = DataFiles.read(write("data.jsonl", MIXED));

    assertEquals(
        List.of(
            Example.completion("2+2=", "4"),
            Example.text("plain text, all trained"),
            ChatTemplate.render(
                List.of(
                    new ChatTemplate.Message("user", "hi"),
                    new ChatTemplate.Message("assistant", "hello")))),
        examples);
  }

  @Test
  void aTextFileIsOneExamplePerParagraph() throws IOException {
    Path file = write("notes.txt", "first line\nsecond line\n\n\n  \nnext paragraph\n");

    assertEquals(
        List.of(Example.text("first line\nsecond line"), Example.text("next paragraph")),
        DataFiles.read(file));
  }

  @Test
  void gzippedFilesReadLikeTheirPlainForm() throws IOException {
    assertEquals(
        DataFiles.read(write("data.jsonl", MIXED)),
        DataFiles.read(writeGzip("data.jsonl.gz", MIXED)));
    assertEquals(
        List.of(Example.text("héllo"), Example.text("wörld")),
        DataFiles.read(writeGzip("notes.txt.gz", "héllo\n\nwörld")));
  }

  @Test
  void aMissingFieldIsNamedWithFileAndLine() throws IOException {
    Path file = write("data.jsonl", "{\"text\": \"ok\"}\n\n{\"prompt\": \"p\"}\n");

    assertEquals(file + " line 3: field \"completion\" is missing", errorOf(file));
  }

  @Test
  void eachKindOfBadLineIsReported() throws IOException {
    String[][] cases = {
      {"{\"prompt\": \"p\", \"completion\": 4}", "field \"completion\" must be a string"},
      {"{\"text\": ", "not valid JSON"},
      {"[1, 2]", "expected a JSON object, found ARRAY"},
      {"{\"answer\": \"x\"}", "none of the fields"},
      {"{\"messages\": []}", "field \"messages\" must be a non-empty array"},
      {"{\"messages\": [\"hi\"]}", "field \"messages[0]\" must be an object"},
      {"{\"messages\": [{\"role\": \"user\"}]}", "field \"messages[0].content\" is missing"},
      {
        "{\"messages\": [{\"role\": \"bot\", \"content\": \"x\"}]}",
        "field \"messages[0].role\" is \"bot\": use system, user or assistant"
      },
      {
        "{\"messages\": [{\"role\": \"user\", \"content\": \"x\"}]}",
        "field \"messages\" has no assistant message"
      },
    };
    for (String[] c : cases) {
      Path file = write("case.jsonl", c[0] + "\n");
      String message = errorOf(file);
      assertTrue(message.startsWith(file + " line 1: " + c[1]), c[0] + " gave '" + message + "'");
    }
  }

  @Test
  void allBadLinesAreCountedButOnlyTheFirstFewListed() throws IOException {
    StringBuilder lines = new StringBuilder();
    for (int i = 1; i <= DataFiles.MAX_ERRORS + 3; i++) {
      lines.append("{\"text\": ").append(i).append("}\n");
    }
    String message = errorOf(write("bad.jsonl", lines.toString()));

    assertTrue(message.contains("bad.jsonl line " + DataFiles.MAX_ERRORS + ":"), message);
    assertTrue(!message.contains("line " + (DataFiles.MAX_ERRORS + 1) + ":"), message);
    assertTrue(message.endsWith("; and 3 more bad lines"), message);
    assertTrue(!message.contains("\n"), "one line: " + message);
  }

  @Test
  void unusableFilesAreRefusedWithTheReason() throws IOException {
    assertTrue(errorOf(write("data.csv", "a,b")).contains("name it .jsonl or .txt"));
    assertTrue(
        errorOf(write("empty.jsonl", "\n  \n"))
            .endsWith("no examples (the file is empty or blank)"));
    assertTrue(errorOf(write("fake.txt.gz", "not gzip")).contains("not a valid gzip file"));

    Path latin1 = dir.resolve("latin1.txt");
    Files.write(latin1, "ok\ncaf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));
    assertTrue(errorOf(latin1).contains("not valid UTF-8"));

    assertThrows(NoSuchFileException.class, () -> DataFiles.read(dir.resolve("absent.jsonl")));
  }
}
