package dev.cft.lm;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
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
 *
 * <p>The whole model in one file, like nanoGPT's {@code model.py}: weights, initialisation and the
 * forward pass read together. DJL's workarounds are in {@link TorchOps}.
 */
public final class Gpt implements AutoCloseable {
  static {
    NativeMemory.tuneAllocator(); // every step's activations would otherwise page-fault afresh
  }

  private final GptConfig config;
  private final NDManager manager;
  private final Map<String, NDArray> weights;
  private final Map<Long, NDArray> causalMasks;
  private final TorchOps ops;
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
    this.ops = new TorchOps(manager);
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
    long t = ids.getShape().get(1);
    checkLength(t);
    NDArray positions = ids.getManager().arange(0, t, 1, DataType.INT64); // (T)
    return run(ids, positions, mask(0, t), null, training);
  }

  /**
   * Logits (B,T,V) for the new tokens {@code ids} (B,T) after what {@code cache} holds; the cache
   * is extended with these tokens' keys and values. For generation: never training.
   */
  public NDArray forwardCached(NDArray ids, KvCache cache) {
    long t = ids.getShape().get(1);
    long past = cache.length();
    checkLength(past + t);
    NDArray positions = ids.getManager().arange(past, past + t, 1, DataType.INT64); // (T)
    NDArray logits = run(ids, positions, mask(past, t), cache, false);
    cache.advance(t);
    return logits;
  }

  /**
   * Logits (B,T,V) for rows packed block-diagonally: {@code positions} (B,T) restart at 0 for each
   * example and {@code mask} (B,1,T,T) lets a token see only earlier tokens of its own example, so
   * each example is computed as if it were alone.
   */
  public NDArray forwardPacked(NDArray ids, NDArray positions, NDArray mask, boolean training) {
    return run(ids, positions, mask, null, training);
  }

  private void checkLength(long length) {
    if (length > config.nPositions()) {
      throw new IllegalArgumentException(
          "sequence of " + length + " tokens exceeds n_positions " + config.nPositions());
    }
  }

  private NDArray run(
      NDArray ids, NDArray positions, NDArray mask, KvCache cache, boolean training) {
    NDArray tok = TorchOps.embedding(ids, w("wte.weight")); // (B,T,C)
    NDArray pos = TorchOps.embedding(positions, w("wpe.weight")); // (T,C) or (B,T,C)
    NDArray x = TorchOps.dropout(tok.add(pos), config.embdPdrop(), training); // (B,T,C)
    for (int l = 0; l < config.nLayer(); l++) {
      x = block(l, x, mask, cache, training); // (B,T,C)
    }
    x = layerNorm(x, "ln_f"); // (B,T,C)
    return TorchOps.linear(x, w("wte.weight")); // (B,T,V): the head is tied to wte
  }

  /** A pre-LayerNorm transformer block: two residual branches, as GPT-2 has them. */
  private NDArray block(int l, NDArray x, NDArray mask, KvCache cache, boolean training) {
    String p = "h." + l + ".";
    x = x.add(attention(l, layerNorm(x, p + "ln_1"), mask, cache, training)); // (B,T,C)
    return x.add(mlp(p, layerNorm(x, p + "ln_2"), training)); // (B,T,C)
  }

  /** Causal self-attention over x (B,T,C), with a fused QKV projection. */
  private NDArray attention(int l, NDArray x, NDArray mask, KvCache cache, boolean training) {
    String p = "h." + l + ".attn.";
    long batch = x.getShape().get(0);
    long t = x.getShape().get(1);
    int heads = config.nHead();
    int d = config.headDim();
    NDList qkv = project(x, p + "c_attn", training).split(3, 2); // 3 × (B,T,C)
    // Scaled here rather than the (B,H,T,S) scores: T/D times fewer elements.
    NDArray q = qkv.get(0).mul(ops.scalar(1.0f / (float) Math.sqrt(d))); // (B,T,C)
    q = heads(q, batch, t, heads, d); // (B,H,T,D)
    NDArray k = heads(qkv.get(1), batch, t, heads, d); // (B,H,T,D)
    NDArray v = heads(qkv.get(2), batch, t, heads, d); // (B,H,T,D)
    if (cache != null) {
      k = cache.keys(l, k); // (B,H,S,D)
      v = cache.values(l, v); // (B,H,S,D)
    }
    NDArray att = q.matMul(k.transpose(0, 1, 3, 2)); // (B,H,T,S)
    if (mask != null) {
      att = att.add(mask); // (B,H,T,S) + (T,S) or (B,1,T,T)
    }
    att = TorchOps.dropout(att.softmax(-1), config.attnPdrop(), training); // (B,H,T,S)
    NDArray y = att.matMul(v).transpose(0, 2, 1, 3).reshape(batch, t, config.nEmbd()); // (B,T,C)
    y = project(y, p + "c_proj", training); // (B,T,C)
    return TorchOps.dropout(y, config.residPdrop(), training); // (B,T,C)
  }

  /** The feed-forward branch: GELU between a 4C expansion and its projection back. */
  private NDArray mlp(String p, NDArray x, boolean training) {
    NDArray h = ops.geluTanh(project(x, p + "mlp.c_fc", training)); // (B,T,4C)
    h = project(h, p + "mlp.c_proj", training); // (B,T,C)
    return TorchOps.dropout(h, config.residPdrop(), training); // (B,T,C)
  }

  /** x·W + b for a Conv1D projection, plus its LoRA update when adapters are on. */
  private NDArray project(NDArray x, String projection, boolean training) {
    NDArray y = TorchOps.conv1d(x, w(projection + ".weight"), w(projection + ".bias")); // (…,out)
    if (lora != null) {
      NDArray delta =
          lora.delta(projection, TorchOps.dropout(x, lora.config().dropout(), training));
      if (delta != null) {
        y = y.add(delta);
      }
    }
    return y;
  }

  private static NDArray heads(NDArray x, long batch, long t, int heads, int d) {
    return x.reshape(batch, t, heads, d).transpose(0, 2, 1, 3); // (B,T,C) -> (B,H,T,D)
  }

  private NDArray layerNorm(NDArray x, String prefix) {
    return TorchOps.layerNorm(
        x, w(prefix + ".weight"), w(prefix + ".bias"), config.layerNormEpsilon()); // (B,T,C)
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
