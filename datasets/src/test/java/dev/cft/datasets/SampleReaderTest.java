package dev.cft.datasets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

class SampleReaderTest {
  static final SampleReader READER = new SampleReader(SampleReader.Limits.defaults());

  static SampleReader.Result read(String name, String content) throws IOException {
    return read(name, content.getBytes(StandardCharsets.UTF_8));
  }

  static SampleReader.Result read(String name, byte[] content) throws IOException {
    return READER.read(name, new ByteArrayInputStream(content));
  }

  static void assertIssue(SampleReader.Result result, long line, String field, String text) {
    assertTrue(
        result.issues().stream()
            .anyMatch(
                i ->
                    i.line() != null
                        && i.line() == line
                        && java.util.Objects.equals(field, i.field())
                        && i.message().contains(text)),
        "expected line " + line + " field " + field + " '" + text + "' in " + result.issues());
  }

  @Test
  void checkingCountsWhatReadingFindsWithoutKeepingExamples() throws IOException {
    String content =
        "{\"prompt\":\"a\",\"completion\":\"b\"}\n"
            + "{\"messages\":[{\"role\":\"wizard\",\"content\":\"hi\"}]}\n"
            + "{\"prompt\":\"c\",\"completion\":\"d\"}\n";
    SampleReader.Result read = read("f.jsonl", content);
    SampleReader.Result checked =
        READER.check("f.jsonl", new ByteArrayInputStream(content.getBytes(StandardCharsets.UTF_8)));
    assertEquals(2, read.samples().size());
    assertEquals(2, read.sampleCount());
    assertEquals(2, checked.sampleCount());
    assertTrue(checked.samples().isEmpty());
    assertEquals(read.issues(), checked.issues());
    assertEquals(1, checked.issueCount());
    assertEquals(Format.readAs("upload"), "upload.jsonl");
    assertEquals(Format.readAs("x.csv"), "x.csv");
  }

  @Test
  void readsValidChatExamplesWithNamesAndWeights() throws IOException {
    SampleReader.Result result =
        read(
            "support.jsonl",
            """
            {"messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Hi","name":"ann"},{"role":"assistant","content":"Hello!"}]}

            {"messages":[{"role":"user","content":"2+2?"},{"role":"assistant","content":"5","weight":0},{"role":"user","content":"Sure?"},{"role":"assistant","content":"4","weight":1}]}
            """);
    assertTrue(result.valid(), result.issues().toString());
    assertEquals(2, result.samples().size());
    assertEquals(3, result.samples().get(1).line());
    Sample.Chat chat = (Sample.Chat) result.samples().get(1).sample();
    assertFalse(chat.messages().get(1).trained());
    assertTrue(chat.messages().get(3).trained());
    assertEquals("ann", ((Sample.Chat) result.samples().get(0).sample()).messages().get(1).name());
  }

  @Test
  void reportsEveryChatProblemWithLineAndField() throws IOException {
    SampleReader.Result result =
        read(
            "bad.jsonl",
            String.join(
                "\n",
                "{\"messages\":[{\"role\":\"user\",\"content\":\"q\"},{\"role\":\"assistant\",\"content\":\"a\"}]}",
                "{\"messages\":[{\"role\":\"user\",\"content\":\"q\"}]}",
                "{\"messages\":[{\"role\":\"robot\",\"content\":\"q\"},{\"role\":\"assistant\",\"content\":\"a\"}]}",
                "{\"messages\":[{\"role\":\"user\",\"content\":\"  \"},{\"role\":\"assistant\",\"content\":\"a\"}]}",
                "{\"messages\":[{\"role\":\"user\",\"content\":7},{\"role\":\"assistant\",\"content\":\"a\"}]}",
                "{\"messages\":[{\"role\":\"user\"},{\"role\":\"assistant\",\"content\":\"a\"}]}",
                "{\"messages\":[{\"role\":\"user\",\"content\":\"q\",\"mood\":\"x\"},{\"role\":\"assistant\",\"content\":\"a\"}]}",
                "{\"messages\":[{\"role\":\"user\",\"content\":\"q\",\"weight\":1},{\"role\":\"assistant\",\"content\":\"a\"}]}",
                "{\"messages\":[{\"role\":\"user\",\"content\":\"q\"},{\"role\":\"assistant\",\"content\":\"a\",\"weight\":2}]}",
                "{\"messages\":[]}",
                "{\"messages\":[{\"role\":\"user\",\"content\":\"q\"},{\"role\":\"assistant\",\"content\":\"a\"}]",
                "[1,2]",
                "{\"messages\":[{\"role\":\"tool\",\"content\":\"q\"},{\"role\":\"assistant\",\"content\":\"a\"}]}",
                "{\"messages\":[{\"role\":\"user\",\"content\":\"q\"},{\"role\":\"assistant\",\"content\":\"a\"}],\"tools\":[]}",
                "{\"prompt\":\"p\",\"completion\":\"c\"}",
                "{\"input\":\"x\"}"));
    assertEquals(1, result.samples().size());
    assertEquals(15, result.issueCount(), result.issues().toString());
    assertIssue(result, 2, "messages", "no assistant message");
    assertIssue(result, 3, "messages[0].role", "is \"robot\"");
    assertIssue(result, 4, "messages[0].content", "is empty");
    assertIssue(result, 5, "messages[0].content", "must be a string, found number");
    assertIssue(result, 6, "messages[0].content", "is missing");
    assertIssue(result, 7, "messages[0].mood", "is not a field of a message");
    assertIssue(result, 8, "messages[0].weight", "only allowed on assistant");
    assertIssue(result, 9, "messages[1].weight", "must be 0 or 1");
    assertIssue(result, 10, "messages", "non-empty array");
    assertIssue(result, 11, null, "not valid JSON");
    assertIssue(result, 12, null, "must be a JSON object, found array");
    assertIssue(result, 13, "messages[0].role", "tool and function calls are not supported");
    assertIssue(result, 14, "tools", "is not a field of a chat example");
    assertIssue(result, 15, null, "one format per file");
    assertIssue(result, 16, null, "has none of the fields");
  }

  @Test
  void promptCompletionAndTextLines() throws IOException {
    SampleReader.Result pc =
        read(
            "pc.jsonl",
            "{\"prompt\":\"\",\"completion\":\"c\"}\n{\"prompt\":\"p\"}\n{\"prompt\":\"p\",\"completion\":\"\"}\n");
    assertEquals(1, pc.samples().size());
    assertIssue(pc, 2, "completion", "is missing");
    assertIssue(pc, 3, "completion", "is empty");
    SampleReader.Result text = read("t.jsonl", "{\"text\":\"hello\"}\n{\"text\":\"\"}\n");
    assertEquals(new Sample.Text("hello"), text.samples().get(0).sample());
    assertIssue(text, 2, "text", "is empty");
  }

  @Test
  void cleansTextToNfcWithoutControlCharacters() throws IOException {
    String decomposed = "Cafe\u0301\u0007 ok\u0000\r\nnext";
    SampleReader.Result result =
        read("c.jsonl", "\uFEFF{\"prompt\":\"" + escape(decomposed) + "\",\"completion\":\"x\"}\n");
    assertTrue(result.valid(), result.issues().toString());
    assertEquals(
        "Caf\u00e9 ok\nnext", ((Sample.Completion) result.samples().get(0).sample()).prompt());
  }

  private static String escape(String s) {
    StringBuilder out = new StringBuilder();
    for (char c : s.toCharArray()) {
      out.append(c < 0x20 ? String.format("\\u%04x", (int) c) : String.valueOf(c));
    }
    return out.toString();
  }

  @Test
  void badUtf8IsReportedForItsLineAndReadingGoesOn() throws IOException {
    byte[] good = "{\"text\":\"a\"}\n".getBytes(StandardCharsets.UTF_8);
    byte[] bad = {'{', '"', 't', '"', ':', '"', (byte) 0xC3, '(', '"', '}', '\n'};
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    all.write(good);
    all.write(bad);
    all.write("{\"text\":\"b\"}".getBytes(StandardCharsets.UTF_8));
    SampleReader.Result result = read("u.jsonl", all.toByteArray());
    assertEquals(2, result.samples().size());
    assertIssue(result, 2, null, "not valid UTF-8");
    assertEquals(3, result.samples().get(1).line());
  }

  @Test
  void gzipOfAnyFormatAndDamagedGzip() throws IOException {
    ByteArrayOutputStream zipped = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(zipped)) {
      gz.write("text,label\n\"a, b\",pos\n".getBytes(StandardCharsets.UTF_8));
    }
    SampleReader.Result result = read("x.csv.gz", zipped.toByteArray());
    assertEquals(
        List.of(new Sample.Completion("a, b\n", "pos")),
        result.samples().stream().map(SampleReader.Line::sample).toList());
    byte[] cut = java.util.Arrays.copyOf(zipped.toByteArray(), zipped.size() - 12);
    assertTrue(read("x.csv.gz", cut).issues().stream().anyMatch(i -> i.line() == null));
    SampleReader.Result notGzip = read("y.jsonl.gz", "{\"text\":\"a\"}");
    assertEquals(1, notGzip.issueCount());
    assertTrue(
        notGzip.issues().get(0).message().contains("not gzip data"), notGzip.issues().toString());
  }

  /** 4 MB of zeros compress to a few KB: with a 1 MB expansion limit the file is refused. */
  @Test
  void aGzipBombStopsAtTheExpansionLimit() throws IOException {
    ByteArrayOutputStream zipped = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(zipped)) {
      gz.write(new byte[4 << 20]);
    }
    assertTrue(zipped.size() < 10_000, "a bomb: " + zipped.size());
    SampleReader small =
        new SampleReader(
            new SampleReader.Limits(32_768, 100, SampleReader.Limits.UTF8_BYTES, 1 << 16, 1 << 20));
    SampleReader.Result result =
        small.read("bomb.jsonl.gz", new ByteArrayInputStream(zipped.toByteArray()));
    assertTrue(
        result.issues().stream()
            .anyMatch(
                i ->
                    i.line() == null && i.message().contains("expands to more than 1048576 bytes")),
        result.issues().toString());
    assertTrue(result.samples().isEmpty());
  }

  /** A line over the limit is reported with its length, not held in memory; the next one reads. */
  @Test
  void aLineOverTheLineLimitIsAnErrorAndReadingGoesOn() throws IOException {
    SampleReader small =
        new SampleReader(
            new SampleReader.Limits(1 << 20, 100, SampleReader.Limits.UTF8_BYTES, 1000, 1 << 20));
    String huge = "{\"text\":\"" + "x".repeat(5000) + "\"}";
    String exact = "{\"text\":\"" + "y".repeat(1000 - 11) + "\"}";
    SampleReader.Result result =
        small.read(
            "long.jsonl",
            new ByteArrayInputStream(
                (huge + "\n" + exact + "\r\n{\"text\":\"ok\"}\n")
                    .getBytes(StandardCharsets.UTF_8)));
    assertIssue(result, 1, null, "is 5011 bytes long, over the line limit of 1000");
    assertEquals(1, result.issueCount(), result.issues().toString());
    assertEquals(2, result.samples().size(), "a line of exactly the limit, with \\r\\n, is read");
    String oneOver = "{\"text\":\"" + "z".repeat(1000 - 10) + "\"}";
    assertIssue(
        small.read(
            "over.jsonl",
            new ByteArrayInputStream((oneOver + "\n").getBytes(StandardCharsets.UTF_8))),
        1,
        null,
        "is 1001 bytes long");
  }

  @Test
  void csvRowsQuotedOverLinesAndTheirErrors() throws IOException {
    SampleReader.Result result =
        read(
            "c.csv",
            "text,label\n\"line one\nline \"\"two\"\"\",support\nonly one column\n,neg\nfine,\n\"x\"y,z\nok,pos\n");
    assertEquals(2, result.samples().size(), result.issues().toString());
    assertEquals(
        new Sample.Completion("line one\nline \"two\"\n", "support"),
        result.samples().get(0).sample());
    assertEquals(2, result.samples().get(0).line());
    assertIssue(result, 4, null, "has 1 columns, expected 2");
    assertIssue(result, 5, "text", "is empty");
    assertIssue(result, 6, "label", "is empty");
    assertIssue(result, 7, null, "after a closing quote");
    assertEquals(8, result.samples().get(1).line());
    assertIssue(read("u.csv", "\"never closed,x\n"), 1, null, "never closed");
  }

  @Test
  void textFilesSplitIntoParagraphs() throws IOException {
    SampleReader.Result result = read("notes.txt", "first para\nstill first\n\n\nsecond\n");
    assertEquals(
        List.of(
            new SampleReader.Line(1, new Sample.Text("first para\nstill first")),
            new SampleReader.Line(5, new Sample.Text("second"))),
        result.samples());
  }

  @Test
  void examplesOverTheTokenLimitAndUnknownFileTypes() throws IOException {
    SampleReader small =
        new SampleReader(new SampleReader.Limits(10, 100, SampleReader.Limits.UTF8_BYTES));
    SampleReader.Result result =
        small.read(
            "l.jsonl",
            new ByteArrayInputStream(
                "{\"text\":\"short\"}\n{\"text\":\"much too long text\"}\n"
                    .getBytes(StandardCharsets.UTF_8)));
    assertEquals(1, result.samples().size());
    assertIssue(result, 2, null, "18 tokens long, over the limit of 10");
    SampleReader.Result unknown = read("data.parquet", "x");
    assertEquals(1, unknown.issueCount());
    assertTrue(unknown.issues().get(0).message().contains("unknown file type"));
  }

  @Test
  void listsTheFirstIssuesAndCountsAll() throws IOException {
    SampleReader few =
        new SampleReader(new SampleReader.Limits(1000, 2, SampleReader.Limits.UTF8_BYTES));
    SampleReader.Result result =
        few.read(
            "m.jsonl", new ByteArrayInputStream("1\n2\n3\n4\n".getBytes(StandardCharsets.UTF_8)));
    assertEquals(4, result.issueCount());
    assertEquals(2, result.issues().size());
  }
}
