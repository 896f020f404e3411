package dev.cft.lm.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.List;

/** Packed sequences as arrays: inputs and targets (B,T) int64, weights (B,T) float32. */
public record Batch(NDArray input, NDArray target, NDArray weight, float trainedTokens) {
  public static Batch of(List<Packer.Sequence> sequences, NDManager manager) {
    int b = sequences.size();
    int t = sequences.get(0).input().length;
    long[] input = new long[b * t];
    long[] target = new long[b * t];
    float[] weight = new float[b * t];
    float trained = 0;
    for (int i = 0; i < b; i++) {
      Packer.Sequence s = sequences.get(i);
      for (int j = 0; j < t; j++) {
        input[i * t + j] = s.input()[j];
        target[i * t + j] = s.target()[j];
        weight[i * t + j] = s.weight()[j];
        trained += s.weight()[j];
      }
    }
    Shape shape = new Shape(b, t);
    return new Batch(
        manager.create(input, shape),
        manager.create(target, shape),
        manager.create(weight, shape).toType(DataType.FLOAT32, false),
        trained);
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
