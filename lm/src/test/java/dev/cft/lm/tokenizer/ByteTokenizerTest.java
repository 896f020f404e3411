package dev.cft.lm.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cft.lm.tokenizer.TextTokenizer.StreamDecoder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ByteTokenizerTest {

  private static final String UNICODE = "naïve café, 日本語, emoji 😀 and 👩‍💻, e\u0301, \u0000 end";

  private final ByteTokenizer tokenizer = new ByteTokenizer();

  @TempDir Path dir;

  @Test
  void idsAreTheUtf8Bytes() {
    int[] ids = tokenizer.encode("aé😀");

    assertArrayEquals(new int[] {0x61, 0xC3, 0xA9, 0xF0, 0x9F, 0x98, 0x80}, ids);
    assertEquals("aé😀", tokenizer.decode(ids));
  }

  @Test
  void unicodeRoundTrips() {
    int[] ids = tokenizer.encode(UNICODE);

    assertEquals(UNICODE.getBytes(StandardCharsets.UTF_8).length, ids.length);
    assertEquals(UNICODE, tokenizer.decode(ids));
  }

  @Test
  void longTextIsNotTruncated() {
    String text = "a line of text é\n".repeat(200);

    int[] ids = tokenizer.encode(text);

    assertEquals(18 * 200, ids.length);
    assertEquals(text, tokenizer.decode(ids));
  }

  @Test
  void endOfTextInTheTextStaysText() {
    int[] ids = tokenizer.encode("a<|endoftext|>b");

    assertEquals(15, ids.length);
    assertTrue(Arrays.stream(ids).allMatch(id -> id < 256));
    assertEquals("a<|endoftext|>b", tokenizer.decode(ids));
  }

  @Test
  void eosIsTheLastIdAndDecodingSkipsIt() {
    assertEquals(256, tokenizer.eosId());
    assertEquals("<|endoftext|>", tokenizer.eosToken());
    assertEquals(257, tokenizer.vocabSize());
    assertEquals(257, ByteTokenizer.VOCAB);
    assertEquals("ab", tokenizer.decode(new int[] {'a', 256, 'b', 256}));
  }

  @Test
  void malformedBytesDecodeToReplacementCharacters() {
    assertEquals("\uFFFDA", tokenizer.decode(new int[] {0xFF, 'A'}));
    assertEquals("A\uFFFD", tokenizer.decode(new int[] {'A', 0xF0, 0x9F}));
  }

  @Test
  void negativeIdIsRejected() {
    assertThrows(IllegalArgumentException.class, () -> tokenizer.decode(new int[] {-1}));
  }

  @Test
  void streamDecoderReleasesACharacterOnceComplete() {
    int[] ids = tokenizer.encode("aé😀b");

    List<String> pieces = pushEach(tokenizer.newStreamDecoder(), ids);

    assertEquals(List.of("a", "", "é", "", "", "", "😀", "b"), pieces);
  }

  @Test
  void streamDecoderPiecesConcatenateToTheFullDecode() {
    int[] text = tokenizer.encode(UNICODE);
    int[] ids = Arrays.copyOf(text, text.length + 1);
    ids[text.length] = ByteTokenizer.EOS_ID;
    // An invalid byte in the middle must not hold the rest back.
    ids[3] = 0xFF;

    StreamDecoder decoder = tokenizer.newStreamDecoder();
    String streamed = String.join("", pushEach(decoder, ids)) + decoder.flush();

    assertEquals(tokenizer.decode(ids), streamed);
    assertTrue(streamed.endsWith(" end"), streamed);
  }

  @Test
  void flushReleasesAnIncompleteCharacter() {
    StreamDecoder decoder = tokenizer.newStreamDecoder();

    assertEquals(List.of("x", "", ""), pushEach(decoder, new int[] {'x', 0xF0, 0x9F}));
    assertEquals("\uFFFD", decoder.flush());
    assertEquals("", decoder.flush());
  }

  @Test
  void saveWritesTheDescriptionAndLoadFindsIt() throws IOException {
    tokenizer.save(dir);

    Map<?, ?> saved =
        new ObjectMapper().readValue(dir.resolve("byte_tokenizer.json").toFile(), Map.class);
    assertEquals(
        Map.of(
            "type", "byte", "vocab_size", 257, "eos_token", "<|endoftext|>", "eos_token_id", 256),
        saved);
    try (TextTokenizer loaded = TextTokenizer.load(dir)) {
      assertInstanceOf(ByteTokenizer.class, loaded);
      assertArrayEquals(tokenizer.encode(UNICODE), loaded.encode(UNICODE));
    }
  }

  @Test
  void saveReplacesAHuggingFaceTokenizerLeftInTheDirectory() throws IOException {
    TinyBpeTokenizerJson.write(dir);

    tokenizer.save(dir);

    assertInstanceOf(ByteTokenizer.class, TextTokenizer.load(dir));
    try (HuggingFaceTextTokenizer standard = HuggingFaceTextTokenizer.load(dir)) {
      assertEquals(ByteTokenizer.VOCAB, standard.vocabSize(), "the byte tokenizer's, not BPE's");
    }
  }

  /**
   * The standard {@code tokenizer.json} saved beside {@value ByteTokenizer#FILE} is the same
   * tokenizer in the Hugging Face format: the native tokenizers library gives the same ids and
   * text.
   */
  @Test
  void theSavedTokenizerJsonEncodesAndDecodesLikeTheByteTokenizer() throws IOException {
    tokenizer.save(dir);
    try (HuggingFaceTextTokenizer standard = HuggingFaceTextTokenizer.load(dir)) {
      assertEquals(ByteTokenizer.EOS_ID, standard.eosId());
      StringBuilder everyByte = new StringBuilder();
      for (int c = 1; c < 0x250; c++) {
        everyByte.appendCodePoint(c);
      }
      for (String text :
          List.of(
              UNICODE,
              " leading space, two  spaces\ttab\nnewline\r\n",
              "<|endoftext|> stays text",
              "emoji 😀 and 中文",
              everyByte.toString())) {
        assertArrayEquals(tokenizer.encode(text), standard.encode(text), text);
        assertEquals(text, standard.decode(tokenizer.encode(text)), text);
      }
    }
  }

  @Test
  void loadRejectsADescriptionOfAnotherTokenizer() throws IOException {
    Files.writeString(
        dir.resolve("byte_tokenizer.json"),
        "{\"type\":\"byte\",\"vocab_size\":300,\"eos_token\":\"<|endoftext|>\",\"eos_token_id\":256}");

    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> TextTokenizer.load(dir));
    assertTrue(e.getMessage().contains("byte_tokenizer.json: vocab_size is 300"), e.getMessage());
  }

  @Test
  void loadNamesBothFilesWhenNeitherExists() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> TextTokenizer.load(dir));

    assertTrue(e.getMessage().contains(dir.toString()), e.getMessage());
    assertTrue(e.getMessage().contains("tokenizer.json"), e.getMessage());
    assertTrue(e.getMessage().contains("byte_tokenizer.json"), e.getMessage());
  }

  /** What the decoder releases for each id, in order. */
  static List<String> pushEach(StreamDecoder decoder, int[] ids) {
    List<String> pieces = new ArrayList<>();
    for (int id : ids) {
      pieces.add(decoder.push(id));
    }
    return pieces;
  }
}
