package dev.cft.lm.train;

import ai.djl.ndarray.NDArray;
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
      float b1 = (float) settings.beta1();
      float b2 = (float) settings.beta2();
      float correction1 = (float) (1 - Math.pow(b1, steps));
      float correction2 = (float) (1 - Math.pow(b2, steps));
      for (Map.Entry<String, NDArray> entry : weights.entrySet()) {
        String name = entry.getKey();
        NDArray weight = entry.getValue();
        NDArray g = gradients.get(name).mul(scale);
        NDArray m = means.computeIfAbsent(name, k -> zerosLike(weight));
        NDArray v = variances.computeIfAbsent(name, k -> zerosLike(weight));
        // Results of ops on these land in tmp while it is open, not in the long-lived managers.
        weight.tempAttach(tmp);
        m.tempAttach(tmp);
        v.tempAttach(tmp);
        if (decays(name) && settings.weightDecay() > 0) {
          weight.muli((float) (1 - learningRate * settings.weightDecay()));
        }
        m.muli(b1).addi(g.mul(1 - b1));
        v.muli(b2).addi(g.square().mul(1 - b2));
        NDArray denominator = v.div(correction2).sqrt().add((float) settings.epsilon());
        weight.subi(m.div(correction1).div(denominator).mul((float) learningRate));
        // Backward adds into .grad: the next step must start from zero.
        gradients.get(name).muli(0f);
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
