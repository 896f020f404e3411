package dev.cft.lm.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.cft.lm.Gpt;
import java.util.Arrays;
import java.util.List;

/**
 * Packed sequences as arrays: inputs, targets and positions (B,T) int64, weights (B,T) float32, and
 * the attention mask (B,1,T,T) that keeps each example to itself.
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
    long[] input = new long[b * t];
    long[] target = new long[b * t];
    long[] position = new long[b * t];
    float[] weight = new float[b * t];
    float[] mask = new float[b * t * t];
    Arrays.fill(mask, Float.NEGATIVE_INFINITY);
    float trained = 0;
    for (int s = 0; s < b; s++) {
      Packer.Sequence seq = sequences.get(s);
      for (int i = 0; i < t; i++) {
        int at = s * t + i;
        input[at] = seq.input()[i];
        target[at] = seq.target()[i];
        position[at] = seq.position()[i];
        weight[at] = seq.weight()[i];
        trained += seq.weight()[i];
        // Token i sees tokens j ≤ i of its own example: a run ending at i.
        for (int j = i; j >= 0 && seq.example()[j] == seq.example()[i]; j--) {
          mask[at * t + j] = 0;
        }
      }
    }
    Shape shape = new Shape(b, t);
    return new Batch(
        manager.create(input, shape),
        manager.create(target, shape),
        manager.create(weight, shape),
        manager.create(position, shape),
        manager.create(mask, new Shape(b, 1, t, t)),
        trained);
  }

  /** The model's logits (B,T,V) for this batch, each example on its own. */
  public NDArray logits(Gpt model, boolean training) {
    return model.forward(input, position, mask, training);
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
