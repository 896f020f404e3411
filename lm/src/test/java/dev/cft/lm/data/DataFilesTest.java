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

  static final String CHATS =
      """
      {"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}]}

      {"messages": [{"role": "user", "content": "2+2"}, {"role": "assistant", "content": "5", "weight": 0}, {"role": "user", "content": "?"}, {"role": "assistant", "content": "4"}]}
      """;

  @Test
  void eachKindOfLineBecomesItsExampleAndBlankLinesAreSkipped() throws IOException {
    assertEquals(
        List.of(
            ChatTemplate.render(
                List.of(
                    new ChatTemplate.Message("user", "hi"),
                    new ChatTemplate.Message("assistant", "hello"))),
            ChatTemplate.render(
                List.of(
                    new ChatTemplate.Message("user", "2+2"),
                    new ChatTemplate.Message("assistant", "5", false),
                    new ChatTemplate.Message("user", "?"),
                    new ChatTemplate.Message("assistant", "4")))),
        DataFiles.read(write("chat.jsonl", CHATS)));
    assertEquals(
        List.of(Example.completion("2+2=", "4")),
        DataFiles.read(write("pc.jsonl", "{\"prompt\": \"2+2=\", \"completion\": \"4\"}")));
    assertEquals(
        List.of(Example.text("plain")), DataFiles.read(write("t.jsonl", "{\"text\": \"plain\"}")));
    assertEquals(
        List.of(Example.completion("great stuff\n", "positive")),
        DataFiles.read(write("labels.csv", "text,label\ngreat stuff,positive\n")));
  }

  @Test
  void anAssistantTurnWithWeightZeroIsContextOnly() throws IOException {
    Example example = DataFiles.read(write("chat.jsonl", CHATS)).get(1);
    assertTrue(
        example.segments().stream().noneMatch(s -> s.trained() && s.text().startsWith("5")),
        example.toString());
    assertTrue(example.segments().stream().anyMatch(s -> s.trained() && s.text().startsWith("4")));
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
        DataFiles.read(write("data.jsonl", CHATS)),
        DataFiles.read(writeGzip("data.jsonl.gz", CHATS)));
    assertEquals(
        List.of(Example.text("héllo"), Example.text("wörld")),
        DataFiles.read(writeGzip("notes.txt.gz", "héllo\n\nwörld")));
  }

  @Test
  void aMissingFieldIsNamedWithFileAndLine() throws IOException {
    Path file =
        write("data.jsonl", "{\"prompt\": \"p\", \"completion\": \"c\"}\n\n{\"prompt\": \"p\"}\n");

    assertEquals(file + " line 3: field \"completion\" is missing", errorOf(file));
  }

  @Test
  void problemsNameFileLineAndField() throws IOException {
    // Every rule is tested in the datasets module; here: how a problem reads.
    String[][] cases = {
      {"{\"prompt\": \"p\", \"completion\": 4}", "field \"completion\" must be a string"},
      {"{\"text\": ", "is not valid JSON"},
      {
        "{\"messages\": [{\"role\": \"bot\", \"content\": \"x\"}]}",
        "field \"messages[0].role\" is \"bot\": use system, user or assistant"
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
    assertTrue(message.endsWith("; and 3 more problems"), message);
    assertTrue(!message.contains("\n"), "one line: " + message);
  }

  @Test
  void unusableFilesAreRefusedWithTheReason() throws IOException {
    assertTrue(errorOf(write("data.parquet", "a,b")).contains("unknown file type"));
    assertTrue(
        errorOf(write("empty.jsonl", "\n  \n"))
            .endsWith("no examples (the file is empty or blank)"));
    assertTrue(errorOf(write("fake.txt.gz", "not gzip")).contains("not gzip data"));

    Path latin1 = dir.resolve("latin1.txt");
    Files.write(latin1, "ok\ncaf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));
    assertTrue(errorOf(latin1).contains("not valid UTF-8"));

    assertThrows(NoSuchFileException.class, () -> DataFiles.read(dir.resolve("absent.jsonl")));
  }
}
