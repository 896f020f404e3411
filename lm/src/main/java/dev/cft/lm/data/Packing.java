package dev.cft.lm.data;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;

/**
 * How training examples become fixed-length rows.
 *
 * <ul>
 *   <li>{@link #WRAPPED} (default): examples, each after an EOS, concatenated into one stream and
 *       cut into rows of the context length; positions run 0..T-1 over the row and attention is
 *       causal over the whole row, across example boundaries. The GPT-2 / nanoGPT / Hugging Face
 *       {@code group_texts} recipe: every example is seen at many offsets, so the model learns what
 *       the text says rather than where in the row it sits.
 *   <li>{@link #BLOCK_DIAGONAL}: whole examples side by side in a row, positions restarting at 0
 *       for each, attention kept inside each example. Each example is computed exactly as if it
 *       were alone, but always from position 0: a model trained this way learns absolute positions
 *       and fails on inputs whose parts sit a token further along (a ticket number with one more
 *       digit). Kept for comparison and for data that must never be seen out of its own context.
 * </ul>
 */
public enum Packing {
  WRAPPED("wrapped"),
  BLOCK_DIAGONAL("block-diagonal");

  private final String id;

  Packing(String id) {
    this.id = id;
  }

  @JsonValue
  public String id() {
    return id;
  }

  /**
   * @throws IllegalArgumentException naming the accepted values
   */
  @JsonCreator
  public static Packing of(String id) {
    String wanted = id == null ? "" : id.strip().toLowerCase(Locale.ROOT).replace('_', '-');
    return Arrays.stream(values())
        .filter(p -> p.id.equals(wanted))
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "packing '" + id + "' is not known: wrapped or block-diagonal"));
  }

  @Override
  public String toString() {
    return id;
  }
}
