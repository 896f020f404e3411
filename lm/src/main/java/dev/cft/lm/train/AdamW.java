package dev.cft.lm.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * AdamW (decoupled weight decay, as in PyTorch) with global-norm gradient clipping.
 *
 * <p>Written here rather than taken from DJL: DJL's {@code Optimizer.adamW()} applies one decay to
 * every parameter, and its {@code optClipGrad} clips element-wise (and, on this engine, only the
 * upper side). Decay applies only to the matrices of the blocks; LayerNorms, biases and the
 * embeddings are exempt, as in GPT-2 training recipes.
 */
public final class AdamW implements AutoCloseable {
  public record Settings(
      double beta1, double beta2, double epsilon, double weightDecay, double maxGradNorm) {
    public static Settings defaults(double weightDecay) {
      return new Settings(0.9, 0.95, 1e-8, weightDecay, 1.0);
    }
  }

  private static final float NO_CLIPPING = -1f; // element-wise clipping off: clipped by norm above

  private final Settings settings;
  private final NDManager manager;
  private final Map<String, NDArray> means = new LinkedHashMap<>();
  private final Map<String, NDArray> variances = new LinkedHashMap<>();
  private long steps;

  public AdamW(Settings settings, NDManager parent) {
    this.settings = settings;
    this.manager = parent.newSubManager();
  }

  /** Whether a weight of this name is decayed: block matrices only. */
  public static boolean decays(String name) {
    return name.startsWith("h.") && name.endsWith(".weight") && !name.contains(".ln_");
  }

  public long steps() {
    return steps;
  }

  /**
   * One update of {@code weights} from their accumulated gradients, which are then zeroed.
   *
   * @param gradientScale multiplies the gradients first (1 / accumulation steps)
   * @return the global gradient norm before clipping
   */
  public double step(Map<String, NDArray> weights, double learningRate, double gradientScale) {
    steps++;
    try (NDManager tmp = manager.newSubManager()) {
      Map<String, NDArray> gradients = new LinkedHashMap<>();
      NDArray squares = null;
      for (Map.Entry<String, NDArray> entry : weights.entrySet()) {
        NDArray gradient = entry.getValue().getGradient();
        gradient.attach(tmp);
        gradients.put(entry.getKey(), gradient);
        NDArray sum = gradient.square().sum();
        squares = squares == null ? sum : squares.add(sum);
      }
      double norm = Math.sqrt(squares.getFloat()) * gradientScale;
      double clip = norm > settings.maxGradNorm() ? settings.maxGradNorm() / norm : 1.0;
      float scale = (float) (gradientScale * clip);
      // libtorch's fused update (one native call per tensor) in the Adam paper's efficient form:
      // the bias corrections folded into the step size, so ε is scaled by √(1 − β₂ᵗ) compared
      // with PyTorch's AdamW (a ~1e-8 difference in the denominator).
      float stepSize =
          (float)
              (learningRate
                  * Math.sqrt(1 - Math.pow(settings.beta2(), steps))
                  / (1 - Math.pow(settings.beta1(), steps)));
      for (Map.Entry<String, NDArray> entry : weights.entrySet()) {
        String name = entry.getKey();
        NDArray weight = entry.getValue();
        NDArray m = means.computeIfAbsent(name, k -> zerosLike(weight));
        NDArray v = variances.computeIfAbsent(name, k -> zerosLike(weight));
        float decay = decays(name) ? (float) settings.weightDecay() : 0f;
        // Updates weight, m and v in place and zeroes the weight's gradient (backward adds into
        // it: the next step must start from zero).
        weight
            .getNDArrayInternal()
            .adamUpdate(
                new NDList(weight, gradients.get(name), m, v),
                new NDList(weight),
                (float) learningRate,
                stepSize,
                decay,
                scale,
                NO_CLIPPING,
                (float) settings.beta1(),
                (float) settings.beta2(),
                (float) settings.epsilon(),
                false,
                true);
      }
      return norm;
    }
  }

  private NDArray zerosLike(NDArray weight) {
    NDArray zeros = manager.zeros(weight.getShape(), weight.getDataType());
    zeros.setName(weight.getName());
    return zeros;
  }

  /** Moment estimates, for a checkpoint: {@code m.<name>} and {@code v.<name>}. */
  public Map<String, NDArray> state() {
    Map<String, NDArray> state = new LinkedHashMap<>();
    means.forEach((name, m) -> state.put("m." + name, m));
    variances.forEach((name, v) -> state.put("v." + name, v));
    return state;
  }

  /** Restores moments and the step count saved by {@link #state()}. */
  public void restore(Map<String, NDArray> state, long steps) {
    this.steps = steps;
    state.forEach(
        (key, array) -> {
          array.attach(manager);
          (key.startsWith("m.") ? means : variances).put(key.substring(2), array);
        });
  }

  @Override
  public void close() {
    manager.close();
  }
}
