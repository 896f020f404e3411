package dev.cft.lm.data;

import dev.cft.lm.tokenizer.TextTokenizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Turns examples into fixed-length training rows ({@link Packing}) and evaluation rows ({@link
 * #separate}). Every example is read after an EOS, in training as in evaluation and serving: the
 * EOS says "a new example starts here", which is what the model sees before every example of a
 * wrapped stream.
 */
public final class Packer {
  /**
   * A row: predict {@code target[i]} from {@code input[0..i]}, weighted (0 = not trained). {@code
   * position} and {@code example} are null for a causal row with positions 0..T-1 (wrapped and
   * evaluation rows); for a block-diagonal row, {@code position[i]} counts from 0 within each
   * example and {@code example[i]} numbers the examples of the row (the padded tail is one more),
   * so attention never crosses them.
   */
  public record Sequence(int[] input, int[] target, float[] weight, int[] position, int[] example) {
    public Sequence(int[] input, int[] target, float[] weight) {
      this(input, target, weight, null, null);
    }

    public boolean causal() {
      return example == null;
    }

    public float trainedTokens() {
      float sum = 0;
      for (float w : weight) {
        sum += w;
      }
      return sum;
    }
  }

  /**
   * @param truncated examples longer than a row: cut (block-diagonal, evaluation) or spread over
   *     rows, the later ones without the beginning (wrapped)
   * @param trainedTokens target tokens with weight 1 (what the loss is averaged over)
   */
  public record Packed(List<Sequence> sequences, int examples, int truncated, long trainedTokens) {}

  /** Token ids and per-token weights (1 = trained) of one example, EOS appended. */
  public record Tokens(int[] ids, float[] weights) {}

  private final TextTokenizer tokenizer;
  private final int contextLength;

  public Packer(TextTokenizer tokenizer, int contextLength) {
    this.tokenizer = tokenizer;
    this.contextLength = contextLength;
  }

  public Packed pack(List<Example> examples, Packing packing) {
    return packTokens(examples.stream().map(this::tokenize).toList(), packing);
  }

  /** Packs tokenized examples in the order given (tokenize once, pack every epoch anew). */
  public Packed packTokens(List<Tokens> examples, Packing packing) {
    return switch (packing) {
      case WRAPPED -> wrap(examples);
      case BLOCK_DIAGONAL -> blockDiagonal(examples);
    };
  }

  /** How many rows {@link #pack} makes of {@code examples}, without making them. */
  public int rows(List<Example> examples, Packing packing) {
    List<Tokens> tokens = examples.stream().map(this::tokenize).toList();
    return packing == Packing.WRAPPED
        ? wrappedCounts(tokens).rows()
        : blockDiagonal(tokens).sequences().size();
  }

  /** Rows of a wrapped packing, and examples longer than a row. */
  public record Counts(int rows, int truncated) {}

  /** What a wrapped packing of {@code examples} makes, in any order, without making it. */
  public Counts wrappedCounts(List<Tokens> examples) {
    long targets = 0; // the stream's tokens after its first EOS: each is one row position
    int truncated = 0;
    for (Tokens tokens : examples) {
      targets += tokens.ids.length;
      truncated += tokens.ids.length > contextLength ? 1 : 0;
    }
    return new Counts(Math.toIntExact((targets + contextLength - 1) / contextLength), truncated);
  }

  /**
   * One causal row per example, EOS first (cut to the context, padded with weight 0): for
   * evaluation, where a score must not depend on which examples happened to share a row.
   */
  public Packed separate(List<Example> examples) {
    List<Tokens> all = examples.stream().map(this::tokenize).toList();
    int longest = all.stream().mapToInt(t -> t.ids.length).max().orElse(1);
    int width = Math.max(1, Math.min(contextLength, longest)); // EOS + ids, minus the last target
    List<Sequence> sequences = new ArrayList<>();
    int truncated = 0;
    long trained = 0;
    for (Tokens tokens : all) {
      Stream row = new Stream(tokens.ids.length + 1, tokenizer.eosId());
      row.append(tokens);
      truncated += row.size - 1 > width ? 1 : 0;
      Sequence sequence = row.causalRow(0, width);
      trained += (long) sequence.trainedTokens();
      sequences.add(sequence);
    }
    return new Packed(List.copyOf(sequences), examples.size(), truncated, trained);
  }

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

  /** EOS, example, EOS, example, ... cut into rows of {@code contextLength} inputs. */
  private Packed wrap(List<Tokens> examples) {
    int total = 1;
    for (Tokens tokens : examples) {
      total += tokens.ids.length;
    }
    Stream stream = new Stream(total, tokenizer.eosId());
    examples.forEach(stream::append);
    List<Sequence> rows = new ArrayList<>();
    long trained = 0;
    // Row r reads inputs [rT, rT+T) and targets one further: the rows tile the stream's targets.
    for (int start = 0; start < stream.size - 1; start += contextLength) {
      Sequence row = stream.causalRow(start, contextLength);
      trained += (long) row.trainedTokens();
      rows.add(row);
    }
    return new Packed(
        List.copyOf(rows), examples.size(), wrappedCounts(examples).truncated(), trained);
  }

  /** Whole examples side by side, each after its own EOS, positions and attention per example. */
  private Packed blockDiagonal(List<Tokens> examples) {
    int window = contextLength + 1; // inputs plus the one-token shift to the targets
    List<Sequence> sequences = new ArrayList<>();
    int[] ids = new int[window];
    float[] weights = new float[window];
    int[] starts = new int[window + 1]; // where each example of the current row starts
    int examplesInRow = 0;
    int used = 0;
    int truncated = 0;
    long trained = 0;
    for (Tokens tokens : examples) {
      int n = tokens.ids.length + 1;
      if (n > window) {
        truncated++;
        n = window;
      }
      if (used + n > window) {
        sequences.add(blockDiagonalRow(ids, weights, used, starts, examplesInRow));
        used = 0;
        examplesInRow = 0;
      }
      starts[examplesInRow++] = used;
      ids[used] = tokenizer.eosId();
      weights[used] = 0;
      System.arraycopy(tokens.ids, 0, ids, used + 1, n - 1);
      System.arraycopy(tokens.weights, 0, weights, used + 1, n - 1);
      used += n;
    }
    if (used > 1) {
      sequences.add(blockDiagonalRow(ids, weights, used, starts, examplesInRow));
    }
    for (Sequence s : sequences) {
      trained += (long) s.trainedTokens();
    }
    return new Packed(List.copyOf(sequences), examples.size(), truncated, trained);
  }

  /** The row of the first {@code used} tokens, holding {@code count} examples. */
  private Sequence blockDiagonalRow(int[] ids, float[] weights, int used, int[] starts, int count) {
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

  /** Token ids and weights in a row: an EOS, then examples as they are appended. */
  private static final class Stream {
    final int[] ids;
    final float[] weights;
    final int eos;
    int size;

    Stream(int capacity, int eos) {
      this.eos = eos;
      ids = new int[capacity];
      weights = new float[capacity];
      ids[0] = eos;
      size = 1;
    }

    void append(Tokens tokens) {
      System.arraycopy(tokens.ids, 0, ids, size, tokens.ids.length);
      System.arraycopy(tokens.weights, 0, weights, size, tokens.ids.length);
      size += tokens.ids.length;
    }

    /** Inputs [start, start+width), targets one further; padded with EOS at weight 0. */
    Sequence causalRow(int start, int width) {
      int[] input = new int[width];
      int[] target = new int[width];
      float[] weight = new float[width];
      Arrays.fill(input, eos);
      Arrays.fill(target, eos);
      for (int i = 0; i < width && start + i + 1 < size; i++) {
        int at = start + i;
        input[i] = ids[at];
        target[i] = ids[at + 1];
        weight[i] = weights[at + 1];
      }
      return new Sequence(input, target, weight);
    }
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
