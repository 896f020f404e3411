package dev.cft.lm.tokenizer;

import static dev.cft.lm.tokenizer.ByteTokenizerTest.pushEach;
import static dev.cft.lm.tokenizer.TinyBpeTokenizerJson.mergedId;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cft.lm.tokenizer.TextTokenizer.StreamDecoder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HuggingFaceTextTokenizerTest {

  @TempDir Path dir;

  private TextTokenizer tokenizer;

  @BeforeEach
  void load() throws IOException {
    TinyBpeTokenizerJson.write(dir);
    tokenizer = TextTokenizer.load(dir);
  }

  @AfterEach
  void close() {
    tokenizer.close();
  }

  @Test
  void loadPicksTheHuggingFaceTokenizer() {
    assertInstanceOf(HuggingFaceTextTokenizer.class, tokenizer);
  }

  @Test
  void encodesWithTheMergesAndAddsNoSpecialToken() {
    assertArrayEquals(new int[] {mergedId("Ġthe"), mergedId("Ġcat")}, tokenizer.encode(" the cat"));
    assertArrayEquals(new int[] {'t', mergedId("he")}, tokenizer.encode("the"));
    assertArrayEquals(new int[] {'a'}, tokenizer.encode("a"));
    assertArrayEquals(new int[0], tokenizer.encode(""));
  }

  @Test
  void unicodeRoundTrips() {
    String text = "naïve café, 日本語, emoji 😀 and 👩‍💻, e\u0301\ttabs\n\nnewlines";

    int[] ids = tokenizer.encode(text);

    assertEquals(text, tokenizer.decode(ids));
    // 😀 has no merge: its four UTF-8 bytes are four byte tokens.
    int[] emoji = tokenizer.encode("😀");
    assertArrayEquals(new int[] {0xF0, 0x9F, 0x98, 0x80}, emoji);
  }

  @Test
  void longTextIsNotTruncated() {
    // " the" and " cat" are one token each, " sat" three (Ġ, s, at): five per repetition.
    String text = " the cat sat".repeat(1000);

    int[] ids = tokenizer.encode(text);

    assertEquals(5000, ids.length);
    assertEquals(text, tokenizer.decode(ids));
  }

  @Test
  void eosIsTheEndOfTextToken() {
    assertEquals(TinyBpeTokenizerJson.EOS_ID, tokenizer.eosId());
    assertEquals("<|endoftext|>", tokenizer.eosToken());
    assertEquals(TinyBpeTokenizerJson.VOCAB_SIZE, tokenizer.vocabSize());
  }

  @Test
  void endOfTextInTheTextStaysText() {
    int[] ids = tokenizer.encode("a<|endoftext|>b");

    assertFalse(Arrays.stream(ids).anyMatch(id -> id == tokenizer.eosId()), Arrays.toString(ids));
    assertEquals("a<|endoftext|>b", tokenizer.decode(ids));
  }

  @Test
  void decodingSkipsTheEndOfTextToken() {
    int eos = tokenizer.eosId();

    assertEquals(
        " the cat", tokenizer.decode(new int[] {mergedId("Ġthe"), eos, mergedId("Ġcat"), eos}));
  }

  @Test
  void streamDecoderReleasesACharacterOnceComplete() {
    int[] ids = tokenizer.encode("😀 the");

    List<String> pieces = pushEach(tokenizer.newStreamDecoder(), ids);

    assertEquals(List.of("", "", "", "😀", " the"), pieces);
  }

  @Test
  void streamDecoderPiecesConcatenateToTheFullDecode() {
    int[] text = tokenizer.encode("日本語 the cat 👩‍💻, e\u0301 😀");
    int[] ids = Arrays.copyOf(text, text.length + 1);
    ids[text.length] = tokenizer.eosId();

    StreamDecoder decoder = tokenizer.newStreamDecoder();
    String streamed = String.join("", pushEach(decoder, ids)) + decoder.flush();

    assertEquals(tokenizer.decode(ids), streamed);
    assertEquals("日本語 the cat 👩‍💻, e\u0301 😀", streamed);
  }

  @Test
  void saveCopiesTheFileAndReplacesAByteTokenizer() throws IOException {
    Path checkpoint = dir.resolve("checkpoint");
    new ByteTokenizer().save(checkpoint);

    tokenizer.save(checkpoint);

    assertArrayEquals(
        Files.readAllBytes(dir.resolve("tokenizer.json")),
        Files.readAllBytes(checkpoint.resolve("tokenizer.json")));
    assertFalse(Files.exists(checkpoint.resolve("byte_tokenizer.json")));
    try (TextTokenizer loaded = TextTokenizer.load(checkpoint)) {
      assertArrayEquals(tokenizer.encode(" the cat"), loaded.encode(" the cat"));
    }
  }

  @Test
  void tokenizerWithoutEndOfTextIsRejected() throws IOException {
    Path file = dir.resolve("tokenizer.json");
    Files.writeString(file, Files.readString(file).replace("<|endoftext|>", "<|pad|>"));

    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> TextTokenizer.load(dir));
    assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    assertTrue(e.getMessage().contains("no <|endoftext|> token"), e.getMessage());
  }

  @Test
  void fileTheNativeLibraryRejectsIsNamed() throws IOException {
    Path file = dir.resolve("tokenizer.json");
    Files.writeString(
        file,
        "{\"added_tokens\":[{\"id\":0,\"content\":\"<|endoftext|>\",\"special\":true}],"
            + "\"model\":{\"type\":\"NoSuchModel\",\"vocab\":{}}}");

    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> TextTokenizer.load(dir));
    assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
  }

  @Test
  void closeFreesTheNativeTokenizer() {
    tokenizer.close();

    assertThrows(IllegalStateException.class, () -> tokenizer.encode("a"));
  }
}
