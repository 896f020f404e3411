package dev.cft.lm.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.cft.lm.Gpt;
import java.util.Arrays;
import java.util.List;

/**
 * Rows as arrays: inputs and targets (B,T) int64, weights (B,T) float32; for block-diagonal rows
 * also positions (B,T) and the attention mask (B,1,T,T) that keeps each example to itself (null for
 * causal rows, which use the model's own positions and causal mask).
 */
public record Batch(
    NDArray input,
    NDArray target,
    NDArray weight,
    NDArray position,
    NDArray mask,
    float trainedTokens) {
  public static Batch of(List<Packer.Sequence> sequences, NDManager manager) {
    int b = sequences.size();
    int t = sequences.get(0).input().length;
    boolean causal = sequences.get(0).causal();
    if (sequences.stream().anyMatch(s -> s.causal() != causal)) {
      throw new IllegalArgumentException("a batch mixes causal and block-diagonal rows");
    }
    long[] input = new long[b * t];
    long[] target = new long[b * t];
    float[] weight = new float[b * t];
    long[] position = causal ? null : new long[b * t];
    float[] mask = causal ? null : new float[b * t * t];
    if (mask != null) {
      Arrays.fill(mask, Float.NEGATIVE_INFINITY);
    }
    float trained = 0;
    for (int s = 0; s < b; s++) {
      Packer.Sequence seq = sequences.get(s);
      for (int i = 0; i < t; i++) {
        int at = s * t + i;
        input[at] = seq.input()[i];
        target[at] = seq.target()[i];
        weight[at] = seq.weight()[i];
        trained += seq.weight()[i];
        if (!causal) {
          position[at] = seq.position()[i];
          // Token i sees tokens j ≤ i of its own example: a run ending at i.
          for (int j = i; j >= 0 && seq.example()[j] == seq.example()[i]; j--) {
            mask[at * t + j] = 0;
          }
        }
      }
    }
    Shape shape = new Shape(b, t);
    return new Batch(
        manager.create(input, shape),
        manager.create(target, shape),
        manager.create(weight, shape),
        causal ? null : manager.create(position, shape),
        causal ? null : manager.create(mask, new Shape(b, 1, t, t)),
        trained);
  }

  /** The model's logits (B,T,V) for this batch. */
  public NDArray logits(Gpt model, boolean training) {
    return mask == null
        ? model.forward(input, training)
        : model.forwardPacked(input, position, mask, training);
  }

  /** Negative log-likelihood of each target under {@code logits} (B,T,V): (B,T). */
  public NDArray tokenLosses(NDArray logits) {
    return logits
        .logSoftmax(-1) // (B,T,V)
        .gather(target.expandDims(-1), -1) // (B,T,1)
        .squeeze(-1) // (B,T)
        .neg();
  }
}
