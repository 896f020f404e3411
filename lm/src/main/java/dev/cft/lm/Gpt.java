package dev.cft.lm;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * GPT-2 on DJL: pre-LayerNorm blocks, learned positions, causal self-attention with a fused QKV
 * projection, a GELU (tanh) MLP, dropout, and an LM head tied to the token embedding.
 *
 * <p>Weights are kept exactly as Hugging Face stores them, under the same names ({@code h.0.attn.
 * c_attn.weight}, ...) and in Conv1D layout {@code [in, out]} (so {@code y = x·W + b}): a
 * checkpoint loads and saves with no renaming or transposing. Every op puts an activation first, so
 * results land in the caller's (per-step) manager and never pile up in the weights' manager.
 *
 * <p>Shapes: B batch, T new tokens, S = past + T attended positions, C = n_embd, H = n_head, D = C
 * / H, V = vocab_size.
 */
public final class Gpt implements AutoCloseable {
  static {
    NativeMemory.tuneAllocator(); // every step's activations would otherwise page-fault afresh
  }

  private final GptConfig config;
  private final NDManager manager;
  private final Map<String, NDArray> weights;
  private final Map<Long, NDArray> causalMasks;
  private final Map<Float, NDArray> constants = new ConcurrentHashMap<>();
  private final boolean ownsWeights;
  private Lora lora;

  private Gpt(GptConfig config, NDManager manager, Map<String, NDArray> weights) {
    this(config, manager, weights, new ConcurrentHashMap<>(), true);
  }

  private Gpt(
      GptConfig config,
      NDManager manager,
      Map<String, NDArray> weights,
      Map<Long, NDArray> causalMasks,
      boolean ownsWeights) {
    this.config = config;
    this.manager = manager;
    this.weights = Collections.unmodifiableMap(weights);
    this.causalMasks = causalMasks;
    this.ownsWeights = ownsWeights;
    List<String> missing = names(config).stream().filter(n -> !weights.containsKey(n)).toList();
    if (!missing.isEmpty()) {
      throw new IllegalArgumentException("weights missing for " + missing);
    }
  }

  /** The weight names of a model of this shape, in a stable order (embeddings, blocks, ln_f). */
  public static List<String> names(GptConfig config) {
    List<String> names = new java.util.ArrayList<>(List.of("wte.weight", "wpe.weight"));
    for (int l = 0; l < config.nLayer(); l++) {
      for (String suffix :
          List.of(
              "ln_1.weight", "ln_1.bias",
              "attn.c_attn.weight", "attn.c_attn.bias",
              "attn.c_proj.weight", "attn.c_proj.bias",
              "ln_2.weight", "ln_2.bias",
              "mlp.c_fc.weight", "mlp.c_fc.bias",
              "mlp.c_proj.weight", "mlp.c_proj.bias")) {
        names.add("h." + l + "." + suffix);
      }
    }
    names.addAll(List.of("ln_f.weight", "ln_f.bias"));
    return names;
  }

  /** The shape each weight must have. */
  public static Shape shapeOf(GptConfig config, String name) {
    long c = config.nEmbd();
    long inner = config.innerDim();
    String local = name.startsWith("h.") ? name.substring(name.indexOf('.', 2) + 1) : name;
    return switch (local) {
      case "wte.weight" -> new Shape(config.vocabSize(), c);
      case "wpe.weight" -> new Shape(config.nPositions(), c);
      case "attn.c_attn.weight" -> new Shape(c, 3 * c);
      case "attn.c_attn.bias" -> new Shape(3 * c);
      case "attn.c_proj.weight" -> new Shape(c, c);
      case "mlp.c_fc.weight" -> new Shape(c, inner);
      case "mlp.c_fc.bias" -> new Shape(inner);
      case "mlp.c_proj.weight" -> new Shape(inner, c);
      default -> new Shape(c); // LayerNorm weights and biases, c_proj biases
    };
  }

  /**
   * A freshly initialised model, as GPT-2 does it: N(0, 0.02) weights, residual projections scaled
   * by 1/√(2·n_layer), zero biases, unit LayerNorms. Same seed, same weights.
   */
  public static Gpt initialize(GptConfig config, NDManager parent, long seed) {
    NDManager manager = parent.newSubManager();
    Engine.getEngine(manager.getEngine().getEngineName()).setRandomSeed((int) seed);
    float std = (float) config.initializerRange();
    float residualStd = (float) (std / Math.sqrt(2.0 * config.nLayer()));
    Map<String, NDArray> weights = new LinkedHashMap<>();
    for (String name : names(config)) {
      Shape shape = shapeOf(config, name);
      NDArray w;
      if (name.endsWith(".bias")) {
        w = manager.zeros(shape);
      } else if (name.contains("ln_")) {
        w = manager.ones(shape);
      } else if (name.endsWith("c_proj.weight")) {
        w = manager.randomNormal(0, residualStd, shape, DataType.FLOAT32);
      } else {
        w = manager.randomNormal(0, std, shape, DataType.FLOAT32);
      }
      w.setName(name);
      weights.put(name, w);
    }
    return new Gpt(config, manager, weights);
  }

  /**
   * A model over the given arrays (moved into a manager of its own); every name of {@link #names}
   * must be present with the shape of {@link #shapeOf}.
   */
  public static Gpt of(GptConfig config, NDManager parent, Map<String, NDArray> arrays) {
    NDManager manager = parent.newSubManager();
    Map<String, NDArray> weights = new LinkedHashMap<>();
    for (String name : names(config)) {
      NDArray w = arrays.get(name);
      if (w == null) {
        throw new IllegalArgumentException("no weight named " + name);
      }
      Shape expected = shapeOf(config, name);
      if (!w.getShape().equals(expected)) {
        throw new IllegalArgumentException(
            name + " has shape " + w.getShape() + ", the config needs " + expected);
      }
      // A copy in libtorch's own memory: the given array may live in a Java buffer that goes
      // away with its manager. Not toType(FLOAT32, true): for an array that is float32 already
      // it returns a view of the same memory (verified), and the weights then read freed memory.
      w = w.getDataType() == DataType.FLOAT32 ? w.duplicate() : w.toType(DataType.FLOAT32, false);
      w.attach(manager);
      w.setName(name);
      weights.put(name, w);
    }
    return new Gpt(config, manager, weights);
  }

  public GptConfig config() {
    return config;
  }

  /**
   * The same model (same weight arrays) with another dropout for all three sites, e.g. to fine-tune
   * with more or less regularisation than the checkpoint's config says. Closing the view leaves the
   * weights to this model.
   */
  public Gpt withDropout(double p) {
    Gpt view = new Gpt(config.withDropout(p), manager, weights, causalMasks, false);
    view.lora = lora;
    return view;
  }

  /** The weights by Hugging Face name; the arrays are the model's own (train them in place). */
  public Map<String, NDArray> weights() {
    return weights;
  }

  public NDManager manager() {
    return manager;
  }

  /**
   * Puts fresh LoRA adapters on the projections {@code config} names: from now on only they are
   * {@link #trainable()}; the base weights stay as they are.
   */
  public Lora addLora(Lora.Config loraConfig, long seed) {
    Engine.getEngine(manager.getEngine().getEngineName()).setRandomSeed((int) seed);
    lora = Lora.create(loraConfig, config, manager);
    return lora;
  }

  /** Puts adapters read from a checkpoint back on. */
  public Lora restoreLora(Lora.Config loraConfig, Map<String, NDArray> arrays) {
    arrays.values().forEach(a -> a.attach(manager));
    lora = Lora.of(loraConfig, arrays);
    return lora;
  }

  /** The adapters, or null when none are on. */
  public Lora lora() {
    return lora;
  }

  /** What fine-tuning updates: the adapters when there are some, else every weight. */
  public Map<String, NDArray> trainable() {
    return lora != null ? lora.weights() : weights;
  }

  /** Folds the adapters into the base weights and removes them: a plain GPT-2 again. */
  public void mergeLora() {
    if (lora != null) {
      lora.mergeInto(weights);
      lora.weights().values().forEach(NDArray::close);
      lora = null;
    }
  }

  /** Logits (B,T,V) for token ids (B,T), attending to everything before each position. */
  public NDArray forward(NDArray ids, boolean training) {
    return forward(ids, null, training);
  }

  /**
   * Logits (B,T,V) for the new tokens {@code ids} (B,T) after what {@code cache} holds (null: no
   * past); the cache is extended with these tokens' keys and values.
   */
  public NDArray forward(NDArray ids, KvCache cache, boolean training) {
    long t = ids.getShape().get(1);
    long past = cache == null ? 0 : cache.length();
    if (past + t > config.nPositions()) {
      throw new IllegalArgumentException(
          "sequence of " + (past + t) + " tokens exceeds n_positions " + config.nPositions());
    }
    NDArray positions = ids.getManager().arange(past, past + t, 1, DataType.INT64); // (T)
    NDArray logits = run(ids, positions, mask(past, t), cache, training);
    if (cache != null) {
      cache.advance(t);
    }
    return logits;
  }

  /**
   * Logits (B,T,V) for packed sequences: {@code positions} (B,T) restart at 0 for each example and
   * {@code mask} (B,1,T,T) lets a token see only earlier tokens of its own example, so each example
   * is computed as if it were alone.
   */
  public NDArray forward(NDArray ids, NDArray positions, NDArray mask, boolean training) {
    return run(ids, positions, mask, null, training);
  }

  private NDArray run(
      NDArray ids, NDArray positions, NDArray mask, KvCache cache, boolean training) {
    long batch = ids.getShape().get(0);
    long t = ids.getShape().get(1);
    NDArray x =
        embedding(ids.toType(DataType.INT64, false), w("wte.weight")) // (B,T,C)
            .add(
                embedding(
                    positions.toType(DataType.INT64, false),
                    w("wpe.weight"))); // + (T,C) or (B,T,C)
    x = dropout(x, config.embdPdrop(), training);
    for (int l = 0; l < config.nLayer(); l++) {
      x = block(l, x, batch, t, mask, cache, training); // (B,T,C)
    }
    x = layerNorm(x, "ln_f"); // (B,T,C)
    return x.getNDArrayInternal().linear(x, w("wte.weight"), null).singletonOrThrow(); // (B,T,V)
  }

  private NDArray block(
      int l, NDArray x, long batch, long t, NDArray mask, KvCache cache, boolean training) {
    String p = "h." + l + ".";
    int heads = config.nHead();
    int d = config.headDim();
    long c = config.nEmbd();

    NDArray h = layerNorm(x, p + "ln_1"); // (B,T,C)
    NDArray qkv = project(h, p + "attn.c_attn", training); // (B,T,3C)
    NDList split = qkv.split(3, 2); // 3 × (B,T,C)
    // Scaled here rather than the (B,H,T,S) scores: T/D times fewer elements.
    NDArray q =
        heads(
            split.get(0).mul(constant(1.0f / (float) Math.sqrt(d))),
            batch,
            t,
            heads,
            d); // (B,H,T,D)
    NDArray k = heads(split.get(1), batch, t, heads, d); // (B,H,T,D)
    NDArray v = heads(split.get(2), batch, t, heads, d); // (B,H,T,D)
    if (cache != null) {
      k = cache.keys(l, k); // (B,H,S,D)
      v = cache.values(l, v); // (B,H,S,D)
    }
    NDArray att = q.matMul(k.transpose(0, 1, 3, 2)); // (B,H,T,S)
    if (mask != null) {
      att = att.add(mask); // (B,H,T,S) + (T,S) or (B,1,T,T)
    }
    att = dropout(att.softmax(-1), config.attnPdrop(), training); // (B,H,T,S)
    NDArray y = att.matMul(v).transpose(0, 2, 1, 3).reshape(batch, t, c); // (B,T,C)
    y = project(y, p + "attn.c_proj", training); // (B,T,C)
    x = x.add(dropout(y, config.residPdrop(), training)); // (B,T,C)

    h = layerNorm(x, p + "ln_2"); // (B,T,C)
    h = geluTanh(project(h, p + "mlp.c_fc", training)); // (B,T,4C)
    h = project(h, p + "mlp.c_proj", training); // (B,T,C)
    return x.add(dropout(h, config.residPdrop(), training)); // (B,T,C)
  }

  /** x·W + b for a Conv1D projection, plus its LoRA update when adapters are on. */
  private NDArray project(NDArray x, String projection, boolean training) {
    // linear() takes W as [out, in]: the transposed view of the Conv1D weight, so libtorch runs one
    // GEMM with the bias folded in. Made per call in the caller's manager (a view made once would
    // not carry gradients, and one made in the weight's manager would pile up there).
    NDArray weight = w(projection + ".weight").transpose(); // (out,in) view
    weight.attach(x.getManager());
    NDArray y =
        x.getNDArrayInternal()
            .linear(x, weight, w(projection + ".bias"))
            .singletonOrThrow(); // (…,out)
    if (lora != null) {
      NDArray delta = lora.delta(projection, dropout(x, lora.config().dropout(), training));
      if (delta != null) {
        y = y.add(delta);
      }
    }
    return y;
  }

  private static NDArray heads(NDArray x, long batch, long t, int heads, int d) {
    return x.reshape(batch, t, heads, d).transpose(0, 2, 1, 3); // (B,T,C) -> (B,H,T,D)
  }

  /**
   * GPT-2's GELU, the tanh approximation: 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))). DJL's {@code
   * gelu} is the erf form, which differs by up to ~1e-3.
   */
  NDArray geluTanh(NDArray x) {
    // Same function, fewer passes over (B,T,4C): 0.5·(1 + tanh(z)) = sigmoid(2z), and
    // x + 0.044715·x³ = x·(1 + 0.044715·x²).
    NDArray z = x.mul(x).mul(constant(0.044715f)).add(constant(1f)).mul(x); // x + 0.044715·x³
    return z.mul(constant((float) (2 * Math.sqrt(2.0 / Math.PI))))
        .getNDArrayInternal()
        .sigmoid()
        .mul(x);
  }

  /**
   * A scalar in native memory, made once. Not {@code x.mul(0.5f)}: DJL builds that scalar over a
   * Java buffer and closes it right after the op, but autograd keeps the tensor for the backward
   * pass; after a garbage collection it reads freed memory (NaN gradients, seen here).
   */
  NDArray constant(float value) {
    return constants.computeIfAbsent(value, v -> manager.full(new Shape(), v));
  }

  private NDArray layerNorm(NDArray x, String prefix) {
    return x.getNDArrayInternal()
        .layerNorm(
            x,
            new Shape(config.nEmbd()),
            w(prefix + ".weight"),
            w(prefix + ".bias"),
            (float) config.layerNormEpsilon())
        .singletonOrThrow();
  }

  private static NDArray embedding(NDArray ids, NDArray table) {
    return ids.getNDArrayInternal().embedding(ids, table, SparseFormat.DENSE).singletonOrThrow();
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
    NDManager scope = x.getManager();
    NDArray bytes = scope.randomInteger(0, 256, x.getShape(), DataType.UINT8);
    NDArray keep = bytes.gte(dropped).toType(DataType.FLOAT32, false).mul(256f / (256 - dropped));
    return x.mul(keep);
  }

  /**
   * The additive causal mask for T new tokens after {@code past} cached ones: position i may see
   * positions ≤ past + i. Decoding one token at a time needs none.
   */
  private NDArray mask(long past, long t) {
    if (t == 1) {
      return null;
    }
    long s = past + t;
    return causalMasks.computeIfAbsent(
        past << 32 | t,
        key -> {
          float[] values = new float[(int) (t * s)];
          for (int i = 0; i < t; i++) {
            Arrays.fill(
                values, (int) (i * s + past + i + 1), (int) ((i + 1) * s), Float.NEGATIVE_INFINITY);
          }
          return manager.create(values, new Shape(t, s)); // (T,S)
        });
  }

  private NDArray w(String name) {
    return weights.get(name);
  }

  @Override
  public void close() {
    if (ownsWeights) {
      manager.close();
    }
  }
}
