package dev.cft.lm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The few tensor operations {@link Gpt} needs that DJL's public API does not give as GPT-2 wants
 * them, each with why. Kept here so the model reads like the math.
 */
final class TorchOps {
  private final NDManager manager;
  private final Map<Float, NDArray> scalars = new ConcurrentHashMap<>();

  /**
   * @param manager where the scalars live: the model's, for as long as the model
   */
  TorchOps(NDManager manager) {
    this.manager = manager;
  }

  /**
   * x·W + b for a Conv1D weight {@code [in, out]}. {@code linear()} takes W as {@code [out, in]}:
   * the transposed view, made per call in x's manager (a view made once would not carry gradients,
   * and one made in the weight's manager would pile up there), so libtorch runs one GEMM with the
   * bias folded in.
   */
  static NDArray conv1d(NDArray x, NDArray weight, NDArray bias) {
    NDArray transposed = weight.transpose(); // (out,in) view
    transposed.attach(x.getManager());
    return x.getNDArrayInternal().linear(x, transposed, bias).singletonOrThrow(); // (…,out)
  }

  /** x·Wᵀ for a weight already {@code [out, in]} (the tied LM head over {@code wte}). */
  static NDArray linear(NDArray x, NDArray weight) {
    return x.getNDArrayInternal().linear(x, weight, null).singletonOrThrow();
  }

  static NDArray layerNorm(NDArray x, NDArray weight, NDArray bias, double epsilon) {
    return x.getNDArrayInternal()
        .layerNorm(x, new Shape(x.getShape().tail()), weight, bias, (float) epsilon)
        .singletonOrThrow();
  }

  static NDArray embedding(NDArray ids, NDArray table) {
    NDArray longs = ids.toType(DataType.INT64, false);
    return longs
        .getNDArrayInternal()
        .embedding(longs, table, SparseFormat.DENSE)
        .singletonOrThrow();
  }

  /**
   * GPT-2's GELU, the tanh approximation: 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))). DJL's {@code
   * gelu} is the erf form, which differs by up to ~1e-3. Same function in fewer passes over
   * (B,T,4C): 0.5·(1 + tanh(z)) = sigmoid(2z), and x + 0.044715·x³ = x·(1 + 0.044715·x²).
   */
  NDArray geluTanh(NDArray x) {
    NDArray z = x.mul(x).mul(scalar(0.044715f)).add(scalar(1f)).mul(x); // x + 0.044715·x³
    return z.mul(scalar((float) (2 * Math.sqrt(2.0 / Math.PI))))
        .getNDArrayInternal()
        .sigmoid()
        .mul(x);
  }

  /**
   * A scalar in native memory, made once. Not {@code x.mul(0.5f)}: DJL builds that scalar over a
   * Java buffer and closes it right after the op, but autograd keeps the tensor for the backward
   * pass; after a garbage collection it reads freed memory (NaN gradients, seen here).
   */
  NDArray scalar(float value) {
    return scalars.computeIfAbsent(value, v -> manager.full(new Shape(), v));
  }

  /**
   * Inverted dropout with a mask drawn as random bytes: libtorch's CPU {@code bernoulli} (behind
   * DJL's dropout) costs ~60 % more per element, and the attention probabilities are the largest
   * tensor of a step. A byte below round(256·p) drops its element; the kept ones are scaled by 256
   * / (number of keeping values), so the expectation is unchanged.
   */
  static NDArray dropout(NDArray x, double p, boolean training) {
    if (!training || p <= 0) {
      return x;
    }
    int dropped = (int) Math.round(256 * p);
    if (dropped == 0) {
      return x;
    }
    NDArray bytes = x.getManager().randomInteger(0, 256, x.getShape(), DataType.UINT8);
    NDArray keep = bytes.gte(dropped).toType(DataType.FLOAT32, false).mul(256f / (256 - dropped));
    return x.mul(keep);
  }
}
