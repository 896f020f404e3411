package dev.cft.lm.tokenizer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Builds a small GPT-2-style {@code tokenizer.json} (byte-level BPE) so tests need no download: the
 * 256 byte symbols as ids 0..255 (id = byte value), a few merges that spell " the" and " cat", and
 * {@code <|endoftext|>} as the last id, in the vocabulary and as an added special token, as in
 * GPT-2.
 */
public final class TinyBpeTokenizerJson {

  /** In merge order: each one's result gets the next id after the 256 bytes. */
  public static final List<String> MERGES =
      List.of("Ġ t", "h e", "Ġt he", "i n", "Ġ c", "a t", "Ġc at");

  public static final int EOS_ID = 256 + MERGES.size();
  public static final int VOCAB_SIZE = EOS_ID + 1;

  /** The id of a merged token, e.g. {@code "Ġthe"} (Ġ is GPT-2's symbol for a space). */
  public static int mergedId(String token) {
    for (int i = 0; i < MERGES.size(); i++) {
      if (MERGES.get(i).replace(" ", "").equals(token)) {
        return 256 + i;
      }
    }
    throw new IllegalArgumentException("no merge makes " + token);
  }

  private TinyBpeTokenizerJson() {}

  /** Writes {@code dir/tokenizer.json} and returns its path. */
  public static Path write(Path dir) throws IOException {
    ObjectMapper json = new ObjectMapper();
    ObjectNode root = json.createObjectNode();
    root.put("version", "1.0");
    root.putNull("truncation");
    root.putNull("padding");
    root.putArray("added_tokens")
        .addObject()
        .put("id", EOS_ID)
        .put("content", HuggingFaceTextTokenizer.EOS_TOKEN)
        .put("single_word", false)
        .put("lstrip", false)
        .put("rstrip", false)
        .put("normalized", true)
        .put("special", true);
    root.putNull("normalizer");
    root.set("pre_tokenizer", byteLevel(json, false));
    root.set("post_processor", byteLevel(json, true));
    root.set("decoder", byteLevel(json, true));

    ObjectNode model = root.putObject("model");
    model.put("type", "BPE");
    model.putNull("dropout");
    model.putNull("unk_token");
    model.put("continuing_subword_prefix", "");
    model.put("end_of_word_suffix", "");
    model.put("fuse_unk", false);
    model.put("byte_fallback", false);
    ObjectNode vocab = model.putObject("vocab");
    for (int b = 0; b < 256; b++) {
      vocab.put(byteSymbol(b), b);
    }
    ArrayNode merges = model.putArray("merges");
    for (String merge : MERGES) {
      vocab.put(merge.replace(" ", ""), vocab.size());
      merges.add(merge);
    }
    vocab.put(HuggingFaceTextTokenizer.EOS_TOKEN, EOS_ID);

    Files.createDirectories(dir);
    Path file = dir.resolve(HuggingFaceTextTokenizer.FILE);
    json.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), root);
    return file;
  }

  private static ObjectNode byteLevel(ObjectMapper json, boolean addPrefixSpace) {
    return json.createObjectNode()
        .put("type", "ByteLevel")
        .put("add_prefix_space", addPrefixSpace)
        .put("trim_offsets", true)
        .put("use_regex", true);
  }

  /**
   * GPT-2's printable stand-in for a byte: printable Latin-1 bytes stand for themselves, the 68
   * others (controls, space, soft hyphen...) take code points 256, 257... in byte order.
   */
  static String byteSymbol(int b) {
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
}
