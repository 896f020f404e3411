package dev.cft.lm;

import java.util.Map;

/**
 * GPT-2's forward pass written out in plain loops, to check the DJL model against. Deliberately
 * naive and independent of it: doubles throughout, no batching, no cache, no DJL, each step as in
 * Hugging Face's {@code modeling_gpt2.py} (pre-LayerNorm blocks, fused QKV Conv1D weights stored
 * [in, out], causal softmax attention scaled by 1/sqrt(head_dim), tanh GELU, final LayerNorm, LM
 * head tied to the token embedding).
 *
 * <p>Weights are keyed by Hugging Face GPT-2 names without the {@code transformer.} prefix ({@code
 * wte.weight}, {@code h.0.attn.c_attn.weight}...), as flat row-major arrays. The MLP width is read
 * from {@code c_fc}, so it need not be 4 * n_embd.
 */
public final class ReferenceGpt2 {

  private final int nLayer;
  private final int nHead;
  private final double epsilon;
  private final int vocab;
  private final int nEmbd;
  private final int nPositions;
  private final int nInner;
  private final Map<String, float[]> weights;

  public ReferenceGpt2(
      int nLayer,
      int nHead,
      double layerNormEpsilon,
      Map<String, float[]> weights,
      int vocab,
      int nEmbd) {
    if (nEmbd % nHead != 0) {
      throw new IllegalArgumentException(
          "n_embd " + nEmbd + " is not a multiple of n_head " + nHead);
    }
    this.nLayer = nLayer;
    this.nHead = nHead;
    this.epsilon = layerNormEpsilon;
    this.vocab = vocab;
    this.nEmbd = nEmbd;
    this.weights = Map.copyOf(weights);
    this.nPositions = require("wpe.weight").length / nEmbd;
    this.nInner = require("h.0.mlp.c_fc.bias").length;
    checkShapes();
  }

  /** Logits [T][vocab] of every position of {@code ids}, in one call. */
  public static float[][] logits(
      int nLayer,
      int nHead,
      double layerNormEpsilon,
      Map<String, float[]> weights,
      int vocab,
      int nEmbd,
      int[] ids) {
    return new ReferenceGpt2(nLayer, nHead, layerNormEpsilon, weights, vocab, nEmbd).logits(ids);
  }

  /** Logits [T][vocab] of every position of {@code ids}. */
  public float[][] logits(int[] ids) {
    double[][] x = hiddenStates(ids);
    float[] wte = weights.get("wte.weight");
    float[][] logits = new float[ids.length][vocab];
    for (int t = 0; t < ids.length; t++) {
      double[] h = layerNorm(x[t], "ln_f");
      for (int v = 0; v < vocab; v++) {
        double sum = 0;
        for (int e = 0; e < nEmbd; e++) {
          sum += h[e] * wte[v * nEmbd + e];
        }
        logits[t][v] = (float) sum;
      }
    }
    return logits;
  }

  /**
   * The residual stream [T][n_embd] after the last block, before {@code ln_f}: where to look when
   * logits disagree.
   */
  public double[][] hiddenStates(int[] ids) {
    if (ids.length == 0 || ids.length > nPositions) {
      throw new IllegalArgumentException(
          ids.length + " tokens: need 1 to n_positions (" + nPositions + ")");
    }
    float[] wte = weights.get("wte.weight");
    float[] wpe = weights.get("wpe.weight");
    double[][] x = new double[ids.length][nEmbd];
    for (int t = 0; t < ids.length; t++) {
      if (ids[t] < 0 || ids[t] >= vocab) {
        throw new IllegalArgumentException("token id " + ids[t] + " outside vocab " + vocab);
      }
      for (int e = 0; e < nEmbd; e++) {
        x[t][e] = wte[ids[t] * nEmbd + e] + wpe[t * nEmbd + e];
      }
    }
    for (int layer = 0; layer < nLayer; layer++) {
      String p = "h." + layer + ".";
      addInPlace(x, attention(x, p));
      addInPlace(x, mlp(x, p));
    }
    return x;
  }

  private double[][] attention(double[][] x, String p) {
    int steps = x.length;
    int headDim = nEmbd / nHead;
    double scale = 1 / Math.sqrt(headDim);
    double[][] qkv = new double[steps][];
    for (int t = 0; t < steps; t++) {
      qkv[t] = conv1d(layerNorm(x[t], p + "ln_1"), p + "attn.c_attn", 3 * nEmbd);
    }
    // qkv[t] is [q | k | v], each n_embd wide; head h owns columns h*headDim.. of each.
    double[][] merged = new double[steps][nEmbd];
    for (int h = 0; h < nHead; h++) {
      int q0 = h * headDim;
      int k0 = nEmbd + h * headDim;
      int v0 = 2 * nEmbd + h * headDim;
      for (int t = 0; t < steps; t++) {
        double[] scores = new double[t + 1];
        double max = Double.NEGATIVE_INFINITY;
        for (int s = 0; s <= t; s++) {
          double dot = 0;
          for (int d = 0; d < headDim; d++) {
            dot += qkv[t][q0 + d] * qkv[s][k0 + d];
          }
          scores[s] = dot * scale;
          max = Math.max(max, scores[s]);
        }
        double total = 0;
        for (int s = 0; s <= t; s++) {
          scores[s] = Math.exp(scores[s] - max);
          total += scores[s];
        }
        for (int s = 0; s <= t; s++) {
          for (int d = 0; d < headDim; d++) {
            merged[t][h * headDim + d] += scores[s] / total * qkv[s][v0 + d];
          }
        }
      }
    }
    double[][] out = new double[steps][];
    for (int t = 0; t < steps; t++) {
      out[t] = conv1d(merged[t], p + "attn.c_proj", nEmbd);
    }
    return out;
  }

  private double[][] mlp(double[][] x, String p) {
    double[][] out = new double[x.length][];
    for (int t = 0; t < x.length; t++) {
      double[] hidden = conv1d(layerNorm(x[t], p + "ln_2"), p + "mlp.c_fc", nInner);
      for (int i = 0; i < hidden.length; i++) {
        hidden[i] = gelu(hidden[i]);
      }
      out[t] = conv1d(hidden, p + "mlp.c_proj", nEmbd);
    }
    return out;
  }

  /** GPT-2's Conv1D: weight [in, out], y = x·W + b. */
  private double[] conv1d(double[] in, String name, int outWidth) {
    float[] w = weights.get(name + ".weight");
    float[] b = weights.get(name + ".bias");
    double[] y = new double[outWidth];
    for (int o = 0; o < outWidth; o++) {
      y[o] = b[o];
    }
    for (int i = 0; i < in.length; i++) {
      for (int o = 0; o < outWidth; o++) {
        y[o] += in[i] * w[i * outWidth + o];
      }
    }
    return y;
  }

  /** Over the last axis, with the biased variance, as torch.nn.LayerNorm. */
  private double[] layerNorm(double[] x, String name) {
    float[] gain = weights.get(name + ".weight");
    float[] bias = weights.get(name + ".bias");
    double mean = 0;
    for (double v : x) {
      mean += v;
    }
    mean /= x.length;
    double variance = 0;
    for (double v : x) {
      variance += (v - mean) * (v - mean);
    }
    variance /= x.length;
    double inverse = 1 / Math.sqrt(variance + epsilon);
    double[] y = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      y[i] = (x[i] - mean) * inverse * gain[i] + bias[i];
    }
    return y;
  }

  /** GPT-2's gelu_new: the tanh approximation, not the erf form. */
  static double gelu(double x) {
    return 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));
  }

  private static void addInPlace(double[][] x, double[][] delta) {
    for (int t = 0; t < x.length; t++) {
      for (int e = 0; e < x[t].length; e++) {
        x[t][e] += delta[t][e];
      }
    }
  }

  private float[] require(String name) {
    float[] w = weights.get(name);
    if (w == null) {
      throw new IllegalArgumentException("missing weight " + name);
    }
    return w;
  }

  private void checkShapes() {
    expect("wte.weight", (long) vocab * nEmbd);
    expect("wpe.weight", (long) nPositions * nEmbd);
    expect("ln_f.weight", nEmbd);
    expect("ln_f.bias", nEmbd);
    for (int layer = 0; layer < nLayer; layer++) {
      String p = "h." + layer + ".";
      for (String norm : new String[] {"ln_1", "ln_2"}) {
        expect(p + norm + ".weight", nEmbd);
        expect(p + norm + ".bias", nEmbd);
      }
      expect(p + "attn.c_attn.weight", 3L * nEmbd * nEmbd);
      expect(p + "attn.c_attn.bias", 3L * nEmbd);
      expect(p + "attn.c_proj.weight", (long) nEmbd * nEmbd);
      expect(p + "attn.c_proj.bias", nEmbd);
      expect(p + "mlp.c_fc.weight", (long) nEmbd * nInner);
      expect(p + "mlp.c_fc.bias", nInner);
      expect(p + "mlp.c_proj.weight", (long) nInner * nEmbd);
      expect(p + "mlp.c_proj.bias", nEmbd);
    }
  }

  private void expect(String name, long length) {
    float[] w = require(name);
    if (w.length != length) {
      throw new IllegalArgumentException(name + " has " + w.length + " values, expected " + length);
    }
  }
}
