package dev.cft.lm.tokenizer;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small GPT-2-style byte-level BPE so tests need no download: the 256 byte symbols as ids 0..255
 * (id = byte value), a few merges that spell " the" and " cat", and {@code <|endoftext|>} as the
 * last id, in the vocabulary and as an added special token, as in GPT-2. As a {@code
 * tokenizer.json}, or as GPT-2's original {@code vocab.json} + {@code merges.txt}.
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

  /** The vocabulary: byte symbols, then each merge's result, then {@code <|endoftext|>}. */
  public static Map<String, Integer> vocab() {
    Map<String, Integer> vocab = new LinkedHashMap<>();
    for (int b = 0; b < 256; b++) {
      vocab.put(ByteLevelBpe.byteSymbol(b), b);
    }
    for (String merge : MERGES) {
      vocab.put(merge.replace(" ", ""), vocab.size());
    }
    vocab.put(ByteLevelBpe.EOS, EOS_ID);
    return vocab;
  }

  /** Writes {@code dir/tokenizer.json} and returns its path. */
  public static Path write(Path dir) throws IOException {
    return ByteLevelBpe.write(ByteLevelBpe.tokenizerJson(vocab(), MERGES), dir);
  }

  /** Writes GPT-2's original pair, {@code dir/vocab.json} and {@code dir/merges.txt}. */
  public static void writeOriginalFiles(Path dir) throws IOException {
    Files.createDirectories(dir);
    new ObjectMapper().writeValue(dir.resolve("vocab.json").toFile(), vocab());
    Files.writeString(
        dir.resolve("merges.txt"),
        "#version: 0.2\n" + String.join("\n", MERGES) + "\n",
        StandardCharsets.UTF_8);
  }
}
