package dev.cft.lm.data;

import dev.cft.lm.tokenizer.TextTokenizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Tokenizes examples and packs them, whole and in order, into fixed-length sequences: an example
 * ends with EOS and the next one starts right after it, so no compute is spent on padding (only the
 * tail of a sequence that the next example does not fit in is padded, with weight 0). An example
 * longer than a sequence is cut and counted in {@link Packed#truncated()}.
 */
public final class Packer {
  /**
   * A training sequence: predict {@code target[i]} from the inputs of the same example up to i,
   * weighted. {@code position[i]} counts from 0 within each example; {@code example[i]} numbers the
   * examples of the sequence (the padded tail is one more), so attention never crosses them.
   */
  public record Sequence(int[] input, int[] target, float[] weight, int[] position, int[] example) {
    public float trainedTokens() {
      float sum = 0;
      for (float w : weight) {
        sum += w;
      }
      return sum;
    }
  }

  /**
   * @param trainedTokens target tokens with weight 1 (what the loss is averaged over)
   */
  public record Packed(List<Sequence> sequences, int examples, int truncated, long trainedTokens) {}

  private final TextTokenizer tokenizer;
  private final int contextLength;

  public Packer(TextTokenizer tokenizer, int contextLength) {
    this.tokenizer = tokenizer;
    this.contextLength = contextLength;
  }

  public Packed pack(List<Example> examples) {
    int window = contextLength + 1; // inputs plus the one-token shift to the targets
    List<Sequence> sequences = new ArrayList<>();
    int[] ids = new int[window];
    float[] weights = new float[window];
    int[] starts = new int[window + 1]; // where each example of the current sequence starts
    int examplesInSequence = 0;
    int used = 0;
    int truncated = 0;
    long trained = 0;
    for (Example example : examples) {
      Tokens tokens = tokenize(example);
      int n = tokens.ids.length;
      if (n > window) {
        truncated++;
        n = window;
      }
      if (used + n > window) {
        sequences.add(sequence(ids, weights, used, starts, examplesInSequence));
        used = 0;
        examplesInSequence = 0;
      }
      starts[examplesInSequence++] = used;
      System.arraycopy(tokens.ids, 0, ids, used, n);
      System.arraycopy(tokens.weights, 0, weights, used, n);
      used += n;
    }
    if (used > 1) {
      sequences.add(sequence(ids, weights, used, starts, examplesInSequence));
    }
    for (Sequence s : sequences) {
      trained += (long) s.trainedTokens();
    }
    return new Packed(List.copyOf(sequences), examples.size(), truncated, trained);
  }

  /**
   * One example per sequence (cut to the context, padded with weight 0): for evaluation, where a
   * score must not depend on which examples happened to share a sequence.
   */
  public Packed separate(List<Example> examples) {
    List<Tokens> all = examples.stream().map(this::tokenize).toList();
    int longest = all.stream().mapToInt(t -> t.ids.length).max().orElse(2);
    Packer fitted = new Packer(tokenizer, Math.max(1, Math.min(contextLength, longest - 1)));
    List<Sequence> sequences = new ArrayList<>();
    int truncated = 0;
    long trained = 0;
    for (Tokens tokens : all) {
      int n = Math.min(tokens.ids.length, fitted.contextLength + 1);
      truncated += n < tokens.ids.length ? 1 : 0;
      Sequence sequence = fitted.sequence(tokens.ids, tokens.weights, n, new int[] {0}, 1);
      trained += (long) sequence.trainedTokens();
      sequences.add(sequence);
    }
    return new Packed(List.copyOf(sequences), examples.size(), truncated, trained);
  }

  /** Token ids and per-token weights (1 = trained) of one example, EOS appended. */
  public Tokens tokenize(Example example) {
    IntList ids = new IntList();
    List<Float> weights = new ArrayList<>();
    boolean lastTrained = false;
    for (Example.Segment segment : example.segments()) {
      for (int id : tokenizer.encode(segment.text())) {
        ids.add(id);
        weights.add(segment.trained() ? 1f : 0f);
      }
      lastTrained = segment.trained();
    }
    ids.add(tokenizer.eosId());
    weights.add(lastTrained ? 1f : 0f);
    float[] w = new float[weights.size()];
    for (int i = 0; i < w.length; i++) {
      w[i] = weights.get(i);
    }
    return new Tokens(ids.toArray(), w);
  }

  public record Tokens(int[] ids, float[] weights) {}

  /** The sequence of the first {@code used} tokens, holding {@code count} examples. */
  private Sequence sequence(int[] ids, float[] weights, int used, int[] starts, int count) {
    int eos = tokenizer.eosId();
    int[] input = new int[contextLength];
    int[] target = new int[contextLength];
    float[] weight = new float[contextLength];
    int[] position = new int[contextLength];
    int[] example = new int[contextLength];
    Arrays.fill(input, eos);
    Arrays.fill(target, eos);
    int current = 0;
    for (int i = 0; i < contextLength; i++) {
      if (i >= used - 1) {
        example[i] = count; // the padded tail: an example of its own, weight 0
        position[i] = i - Math.max(0, used - 1);
        continue;
      }
      while (current + 1 < count && starts[current + 1] <= i) {
        current++;
      }
      input[i] = ids[i];
      // The last token of an example predicts nothing of the next one.
      boolean lastOfExample = current + 1 < count && starts[current + 1] == i + 1;
      target[i] = lastOfExample ? eos : ids[i + 1];
      weight[i] = lastOfExample ? 0 : weights[i + 1];
      position[i] = i - starts[current];
      example[i] = current;
    }
    return new Sequence(input, target, weight, position, example);
  }

  private static final class IntList {
    private int[] values = new int[64];
    private int size;

    void add(int value) {
      if (size == values.length) {
        values = Arrays.copyOf(values, size * 2);
      }
      values[size++] = value;
    }

    int[] toArray() {
      return Arrays.copyOf(values, size);
    }
  }
}
