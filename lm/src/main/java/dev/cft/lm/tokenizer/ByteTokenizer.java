package dev.cft.lm.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The tokenizer of models trained from scratch: one token per UTF-8 byte (ids 0..255) plus {@code
 * <|endoftext|>} (256). Needs no vocabulary file and covers every text.
 */
public final class ByteTokenizer implements TextTokenizer {

  public static final String FILE = "byte_tokenizer.json";
  public static final int VOCAB = 257;
  public static final int EOS_ID = 256;
  public static final String EOS_TOKEN = "<|endoftext|>";

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * Encodes the bytes of {@code text}. A literal {@code <|endoftext|>} in the text stays its 13
   * bytes, never id 256: data must not be able to inject control tokens (end a training sequence
   * early, or stop generation from inside a prompt).
   */
  @Override
  public int[] encode(String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    int[] ids = new int[bytes.length];
    for (int i = 0; i < bytes.length; i++) {
      ids[i] = bytes[i] & 0xff;
    }
    return ids;
  }

  /** Skips ids from 256 up (special tokens); malformed UTF-8 becomes U+FFFD. */
  @Override
  public String decode(int[] ids) {
    byte[] bytes = new byte[ids.length];
    int n = 0;
    for (int id : ids) {
      if (id < 0) {
        throw new IllegalArgumentException("negative token id " + id);
      }
      if (id < 256) {
        bytes[n++] = (byte) id;
      }
    }
    return new String(bytes, 0, n, StandardCharsets.UTF_8);
  }

  @Override
  public int vocabSize() {
    return VOCAB;
  }

  @Override
  public int eosId() {
    return EOS_ID;
  }

  @Override
  public String eosToken() {
    return EOS_TOKEN;
  }

  /**
   * Writes {@value #FILE}, which {@link TextTokenizer#load} reads, and the same tokenizer as a
   * standard {@code tokenizer.json} (byte-level BPE without merges: byte b is id b), so the
   * checkpoint loads as it is in transformers and Hugging Face tokenizers too.
   */
  @Override
  public void save(Path dir) throws IOException {
    Files.createDirectories(dir);
    Map<String, Object> description = new LinkedHashMap<>();
    description.put("type", "byte");
    description.put("vocab_size", VOCAB);
    description.put("eos_token", EOS_TOKEN);
    description.put("eos_token_id", EOS_ID);
    JSON.writerWithDefaultPrettyPrinter().writeValue(dir.resolve(FILE).toFile(), description);
    ByteLevelBpe.write(ByteLevelBpe.bytes(), dir);
  }

  /**
   * Checks that {@code dir}'s {@value #FILE} describes this tokenizer.
   *
   * @throws IllegalArgumentException if it describes another one
   */
  public static ByteTokenizer load(Path dir) throws IOException {
    Path file = dir.resolve(FILE);
    JsonNode description = JSON.readTree(file.toFile());
    expect(file, description, "type", "byte");
    expect(file, description, "vocab_size", VOCAB);
    expect(file, description, "eos_token", EOS_TOKEN);
    expect(file, description, "eos_token_id", EOS_ID);
    return new ByteTokenizer();
  }

  private static void expect(Path file, JsonNode description, String field, Object expected) {
    JsonNode value = description == null ? null : description.get(field);
    boolean matches =
        value != null
            && (expected instanceof Integer i
                ? value.isInt() && value.intValue() == i
                : value.isTextual() && value.textValue().equals(expected));
    if (!matches) {
      throw new IllegalArgumentException(
          file + ": " + field + " is " + value + ", this byte tokenizer has " + expected);
    }
  }
}
