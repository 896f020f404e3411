package dev.cft.lm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Low-rank adapters (LoRA) on the attention and MLP projections: a frozen weight W [in, out]
 * becomes W + A·B·(alpha / rank) with A [in, r], B [r, out]. Only A and B train, so a fine-tune
 * stores and updates a sliver of the weights; {@link #mergeInto} folds them into W for serving,
 * which then needs nothing special.
 *
 * <p>A starts random and B at zero, so a fresh adapter changes nothing.
 */
public final class Lora {
  /** The projections adapters can wrap, by their name inside a block. */
  public static final List<String> ATTENTION = List.of("attn.c_attn", "attn.c_proj");

  public static final List<String> MLP = List.of("mlp.c_fc", "mlp.c_proj");

  /**
   * The projections named by {@code targets}: {@code attention} ({@link #ATTENTION}), {@code mlp}
   * ({@link #MLP}) or projection names, in a stable order without repeats.
   *
   * @throws IllegalArgumentException for an empty list or a name that is none of these
   */
  public static List<String> projections(List<String> targets) {
    java.util.Set<String> wanted = new java.util.LinkedHashSet<>();
    for (String target : targets) {
      switch (target) {
        case "attention" -> wanted.addAll(ATTENTION);
        case "mlp" -> wanted.addAll(MLP);
        default -> {
          if (!ATTENTION.contains(target) && !MLP.contains(target)) {
            throw new IllegalArgumentException(
                "LoRA target '"
                    + target
                    + "' is not known: attention, mlp, "
                    + String.join(", ", ATTENTION)
                    + ", "
                    + String.join(", ", MLP));
          }
          wanted.add(target);
        }
      }
    }
    if (wanted.isEmpty()) {
      throw new IllegalArgumentException("LoRA needs at least one target projection");
    }
    return List.copyOf(wanted);
  }

  /**
   * @param targets projection names inside a block ({@link #ATTENTION}, {@link #MLP} or both)
   */
  public record Config(int rank, double alpha, double dropout, List<String> targets) {
    public Config {
      if (rank < 1) {
        throw new IllegalArgumentException("LoRA rank must be at least 1, was " + rank);
      }
      targets = List.copyOf(targets);
    }

    public static Config allProjections(int rank, double alpha, double dropout) {
      List<String> all = new java.util.ArrayList<>(ATTENTION);
      all.addAll(MLP);
      return new Config(rank, alpha, dropout, all);
    }

    public float scale() {
      return (float) (alpha / rank);
    }
  }

  private final Config config;
  // "<projection>.lora_A" / ".lora_B", e.g. h.0.attn.c_attn.lora_A
  private final Map<String, NDArray> weights;
  private NDArray scale;

  private Lora(Config config, Map<String, NDArray> weights) {
    this.config = config;
    this.weights = weights;
  }

  /** Fresh adapters for every target projection of {@code model}, in {@code manager}. */
  static Lora create(Config config, GptConfig model, NDManager manager) {
    Map<String, NDArray> weights = new LinkedHashMap<>();
    for (int l = 0; l < model.nLayer(); l++) {
      for (String target : config.targets()) {
        String projection = "h." + l + "." + target;
        Shape shape = Gpt.shapeOf(model, projection + ".weight"); // (in, out)
        NDArray a =
            manager.randomNormal(
                0,
                (float) (1.0 / Math.sqrt(shape.get(0))),
                new Shape(shape.get(0), config.rank()),
                DataType.FLOAT32);
        NDArray b = manager.zeros(new Shape(config.rank(), shape.get(1)));
        a.setName(projection + ".lora_A");
        b.setName(projection + ".lora_B");
        weights.put(a.getName(), a);
        weights.put(b.getName(), b);
      }
    }
    return new Lora(config, weights);
  }

  /** Adapters read back from their arrays (names as {@link #weights()} gives them). */
  static Lora of(Config config, Map<String, NDArray> arrays) {
    return new Lora(config, new LinkedHashMap<>(arrays));
  }

  public Config config() {
    return config;
  }

  /** The adapter arrays by name; the model's trainable parameters while adapters are on. */
  public Map<String, NDArray> weights() {
    return weights;
  }

  /** The low-rank update of {@code projection} for inputs x (…,in), or null if not adapted. */
  NDArray delta(String projection, NDArray x) {
    NDArray a = weights.get(projection + ".lora_A");
    if (a == null) {
      return null;
    }
    return x.matMul(a).matMul(weights.get(projection + ".lora_B")).mul(scale(a)); // (…,out)
  }

  /** alpha/rank as a native scalar (see {@link Gpt#constant} for why not a Java number). */
  private NDArray scale(NDArray any) {
    if (scale == null) {
      scale = any.getManager().full(new Shape(), config.scale());
    }
    return scale;
  }

  /** Adds A·B·scale to each adapted weight, in place. */
  void mergeInto(Map<String, NDArray> base) {
    for (Map.Entry<String, NDArray> entry : base.entrySet()) {
      String name = entry.getKey();
      if (!name.endsWith(".weight")) {
        continue;
      }
      String projection = name.substring(0, name.length() - ".weight".length());
      NDArray a = weights.get(projection + ".lora_A");
      if (a != null) {
        try (NDManager scope = a.getManager().newSubManager()) {
          a.tempAttach(scope);
          entry.getValue().addi(a.matMul(weights.get(projection + ".lora_B")).mul(config.scale()));
        }
      }
    }
  }
}
