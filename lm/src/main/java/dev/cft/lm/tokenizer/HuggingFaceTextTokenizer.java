package dev.cft.lm.tokenizer;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Map;
import java.util.OptionalInt;

/**
 * A Hugging Face {@code tokenizer.json} (GPT-2's byte-level BPE, say), run by the native tokenizers
 * library through DJL.
 *
 * <p>The native tokenizer is given a copy of the file without its special tokens, because the
 * library always turns their text (GPT-2's {@code <|endoftext|>}) into the control token and offers
 * no switch to stop it: without them such text is encoded as ordinary text, like every other {@link
 * TextTokenizer}. The saved file is the original.
 */
public final class HuggingFaceTextTokenizer implements TextTokenizer {

  public static final String FILE = "tokenizer.json";
  public static final String EOS_TOKEN = "<|endoftext|>";

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * DJL's defaults truncate to 512 tokens (and cap any maxLength there), pad, and add the model's
   * special tokens: a corpus must be encoded whole and as is.
   */
  private static final Map<String, String> OPTIONS =
      Map.of("truncation", "false", "padding", "false", "addSpecialTokens", "false");

  private final byte[] original;
  private final HuggingFaceTokenizer tokenizer;
  private final BitSet specialIds;
  private final int eosId;
  private final int vocabSize;

  private HuggingFaceTextTokenizer(
      byte[] original,
      HuggingFaceTokenizer tokenizer,
      BitSet specialIds,
      int eosId,
      int vocabSize) {
    this.original = original;
    this.tokenizer = tokenizer;
    this.specialIds = specialIds;
    this.eosId = eosId;
    this.vocabSize = vocabSize;
  }

  /**
   * Loads {@code dir}'s {@value #FILE}.
   *
   * @throws IllegalArgumentException if the tokenizer has no {@code <|endoftext|>} token
   */
  public static HuggingFaceTextTokenizer load(Path dir) throws IOException {
    Path file = dir.resolve(FILE);
    byte[] original = Files.readAllBytes(file);
    JsonNode root;
    try {
      root = JSON.readTree(original);
    } catch (JsonProcessingException e) {
      throw new IOException(file + " is not JSON: " + e.getOriginalMessage(), e);
    }
    if (root == null || !root.isObject() || !root.path("model").isObject()) {
      throw new IllegalArgumentException(file + " is not a Hugging Face tokenizer.json");
    }
    ArrayNode added =
        root.path("added_tokens").isArray()
            ? (ArrayNode) root.get("added_tokens")
            : JSON.createArrayNode();
    OptionalInt eos = addedTokenId(added, EOS_TOKEN);
    if (eos.isEmpty()) {
      eos = vocabId(root.path("model").path("vocab"), EOS_TOKEN);
    }
    if (eos.isEmpty()) {
      throw new IllegalArgumentException(
          file + " has no " + EOS_TOKEN + " token, which marks the end of every sequence");
    }

    BitSet specialIds = new BitSet();
    // Skipped by decode even where the file lists it in the vocabulary only.
    specialIds.set(eos.getAsInt());
    ArrayNode ordinary = JSON.createArrayNode();
    for (JsonNode token : added) {
      if (token.path("special").asBoolean(false)) {
        specialIds.set(token.path("id").asInt());
      } else {
        ordinary.add(token);
      }
    }
    ObjectNode withoutSpecials = ((ObjectNode) root).deepCopy();
    withoutSpecials.set("added_tokens", ordinary);
    HuggingFaceTokenizer tokenizer;
    try {
      tokenizer =
          HuggingFaceTokenizer.newInstance(
              new ByteArrayInputStream(JSON.writeValueAsBytes(withoutSpecials)), OPTIONS);
    } catch (RuntimeException e) {
      // The native library's message alone does not say which file it could not read.
      throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
    }
    int vocabSize = Math.max(vocabSize(root.path("model").path("vocab")), maxId(added) + 1);
    return new HuggingFaceTextTokenizer(original, tokenizer, specialIds, eos.getAsInt(), vocabSize);
  }

  @Override
  public int[] encode(String text) {
    long[] ids = tokenizer.encode(text).getIds();
    int[] out = new int[ids.length];
    for (int i = 0; i < ids.length; i++) {
      out[i] = Math.toIntExact(ids[i]);
    }
    return out;
  }

  @Override
  public String decode(int[] ids) {
    // The native tokenizer no longer knows the special tokens: skip them here.
    long[] kept = new long[ids.length];
    int n = 0;
    for (int id : ids) {
      if (id < 0) {
        throw new IllegalArgumentException("negative token id " + id);
      }
      if (!specialIds.get(id)) {
        kept[n++] = id;
      }
    }
    return tokenizer.decode(Arrays.copyOf(kept, n), true);
  }

  @Override
  public int vocabSize() {
    return vocabSize;
  }

  @Override
  public int eosId() {
    return eosId;
  }

  @Override
  public String eosToken() {
    return EOS_TOKEN;
  }

  /**
   * Writes the {@value #FILE} this tokenizer was loaded from, and removes a {@code
   * byte_tokenizer.json} left in {@code dir} so the directory describes one tokenizer only.
   */
  @Override
  public void save(Path dir) throws IOException {
    Files.createDirectories(dir);
    Files.write(dir.resolve(FILE), original);
    Files.deleteIfExists(dir.resolve(ByteTokenizer.FILE));
  }

  @Override
  public void close() {
    tokenizer.close();
  }

  private static OptionalInt addedTokenId(ArrayNode added, String content) {
    for (JsonNode token : added) {
      if (content.equals(token.path("content").asText(null))) {
        return OptionalInt.of(token.path("id").asInt());
      }
    }
    return OptionalInt.empty();
  }

  /** BPE, WordPiece and WordLevel map token to id; Unigram lists [token, score] by id. */
  private static OptionalInt vocabId(JsonNode vocab, String token) {
    if (vocab.isObject() && vocab.path(token).isInt()) {
      return OptionalInt.of(vocab.get(token).intValue());
    }
    if (vocab.isArray()) {
      for (int i = 0; i < vocab.size(); i++) {
        if (token.equals(vocab.get(i).path(0).asText(null))) {
          return OptionalInt.of(i);
        }
      }
    }
    return OptionalInt.empty();
  }

  private static int vocabSize(JsonNode vocab) {
    if (vocab.isArray()) {
      return vocab.size();
    }
    int max = -1;
    for (JsonNode id : vocab) {
      max = Math.max(max, id.asInt());
    }
    return max + 1;
  }

  private static int maxId(ArrayNode added) {
    int max = -1;
    for (JsonNode token : added) {
      max = Math.max(max, token.path("id").asInt());
    }
    return max;
  }
}
