package dev.cft.lm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Checks the reference on cases small enough to work out by hand: each test zeroes all but the part
 * under test, so the expected values follow from the formulas in a line or two.
 */
class ReferenceGpt2Test {

  private static final double EPS = 1e-5;

  /** (1, 2, 3, 4) normalized: mean 2.5, variance 1.25. */
  private static final double[] P = {-1.5, -0.5, 0.5, 1.5};

  @Test
  void withZeroBlocksLogitsAreTheFinalNormOfTheEmbeddingsTimesWte() {
    Map<String, float[]> w = zeroModel(1, 3, 2, 4, 16);
    float[][] wte = {{1, -1, 2, 0.5f}, {0.5f, 1.5f, 2.5f, 3.5f}, {2, 0, 1, -1}};
    float[][] wpe = {{0.5f, 0.5f, 0.5f, 0.5f}, {0.25f, -1, 0, 3}};
    float[] gain = {1, 2, 0.5f, 1};
    float[] bias = {0.1f, 0, 0, -0.1f};
    w.put("wte.weight", flatten(wte));
    w.put("wpe.weight", flatten(wpe));
    w.put("ln_f.weight", gain);
    w.put("ln_f.bias", bias);
    int[] ids = {1, 2};

    float[][] logits = ReferenceGpt2.logits(1, 2, EPS, w, 3, 4, ids);

    for (int t = 0; t < ids.length; t++) {
      double[] x = new double[4];
      for (int e = 0; e < 4; e++) {
        x[e] = wte[ids[t]][e] + wpe[t][e];
      }
      double[] h = normalize(x, EPS);
      for (int v = 0; v < 3; v++) {
        double expected = 0;
        for (int e = 0; e < 4; e++) {
          expected += (h[e] * gain[e] + bias[e]) * wte[v][e];
        }
        assertEquals(expected, logits[t][v], 1e-6, "t=" + t + " v=" + v);
      }
    }
    // Token 1 at position 0 is (1, 2, 3, 4); worked out by hand against wte[0].
    assertEquals(0.7208177099844636, logits[0][0], 1e-6);
  }

  @Test
  void attentionIsCausalPerHeadAndScaledByTheHeadDimension() {
    // Tokens p and -p normalize to n and -n, n = P / sqrt(1.25). K and V copy ln_1's output; head
    // 0's query is a constant that makes its scaled scores at t=1 differ by ln 3 (weights 3/4 and
    // 1/4); head 1's query is zero (weights 1/2 and 1/2). c_proj is the identity.
    Map<String, float[]> w = zeroModel(1, 2, 2, 4, 16);
    double[] n = new double[4];
    for (int e = 0; e < 4; e++) {
      n[e] = P[e] / Math.sqrt(1.25);
    }
    w.put("wte.weight", new float[] {-1.5f, -0.5f, 0.5f, 1.5f, 1.5f, 0.5f, -0.5f, -1.5f});
    float[] cAttn = new float[4 * 12];
    float[] cProj = new float[4 * 4];
    for (int e = 0; e < 4; e++) {
      cAttn[e * 12 + 4 + e] = 1;
      cAttn[e * 12 + 8 + e] = 1;
      cProj[e * 4 + e] = 1;
    }
    // Head 0 (dims 0-1): scores are ±gamma*n[0]/sqrt(2); their difference must be ln 3.
    double gamma = Math.log(3) / (Math.sqrt(2) * n[0]);
    float[] cAttnBias = new float[12];
    cAttnBias[0] = (float) gamma;
    w.put("h.0.attn.c_attn.weight", cAttn);
    w.put("h.0.attn.c_attn.bias", cAttnBias);
    w.put("h.0.attn.c_proj.weight", cProj);

    double[][] hidden = new ReferenceGpt2(1, 2, 0, w, 2, 4).hiddenStates(new int[] {0, 1});

    // t=0 sees only itself: both heads return n.
    double[] first = {P[0] + n[0], P[1] + n[1], P[2] + n[2], P[3] + n[3]};
    // t=1: head 0 gives 3/4 n - 1/4 n = n/2 on dims 0-1; head 1 gives n/2 - n/2 = 0 on dims 2-3.
    double[] second = {-P[0] + n[0] / 2, -P[1] + n[1] / 2, -P[2], -P[3]};
    assertArrayEquals(first, hidden[0], 1e-6);
    assertArrayEquals(second, hidden[1], 1e-6);
  }

  @Test
  void mlpUsesTanhGeluAndInOutWeights() {
    // ln_2 gain 0: c_fc sees zeros and outputs its bias. c_proj [8, 4] routes unit j to output
    // 3 - j, which only reads right if the weight is [in, out]. The MLP is 8 wide, not 4 * n_embd.
    Map<String, float[]> w = zeroModel(1, 1, 1, 4, 8);
    w.put("h.0.ln_2.weight", new float[4]);
    w.put("h.0.mlp.c_fc.bias", new float[] {1, -1, 2, 0.5f, 0, 0, 0, 0});
    float[] cProj = new float[8 * 4];
    for (int j = 0; j < 4; j++) {
      cProj[j * 4 + (3 - j)] = 1;
    }
    w.put("h.0.mlp.c_proj.weight", cProj);
    w.put("h.0.mlp.c_proj.bias", new float[] {0.25f, 0.25f, 0.25f, 0.25f});

    double[][] hidden = new ReferenceGpt2(1, 1, EPS, w, 1, 4).hiddenStates(new int[] {0});

    // gelu_new(0.5), (2), (-1), (1); the erf GELU would give 0.8413447 at 1.
    double[] expected = {
      0.34571400982514394 + 0.25,
      1.954597694087775 + 0.25,
      -0.15880800939172324 + 0.25,
      0.8411919906082768 + 0.25
    };
    assertArrayEquals(expected, hidden[0], 1e-12);
  }

  @Test
  void laterTokensDoNotChangeEarlierLogits() {
    ReferenceGpt2 model = new ReferenceGpt2(2, 2, EPS, randomModel(2, 7, 6, 8, 32), 7, 8);

    float[][] base = model.logits(new int[] {1, 2, 3, 4});
    float[][] lastChanged = model.logits(new int[] {1, 2, 3, 6});
    float[][] firstChanged = model.logits(new int[] {5, 2, 3, 4});

    for (int t = 0; t < 3; t++) {
      assertArrayEquals(base[t], lastChanged[t], "position " + t);
    }
    double difference = 0;
    for (int v = 0; v < 7; v++) {
      difference = Math.max(difference, Math.abs(base[3][v] - firstChanged[3][v]));
    }
    assertTrue(difference > 1e-3, "an earlier token must reach the last position: " + difference);
  }

  @Test
  void missingOrMisshapenWeightsAreNamed() {
    Map<String, float[]> missing = zeroModel(1, 3, 2, 4, 16);
    missing.remove("h.0.attn.c_proj.bias");
    Map<String, float[]> misshapen = zeroModel(1, 3, 2, 4, 16);
    misshapen.put("h.0.attn.c_attn.weight", new float[4 * 4]);

    IllegalArgumentException absent =
        assertThrows(
            IllegalArgumentException.class, () -> new ReferenceGpt2(1, 2, EPS, missing, 3, 4));
    IllegalArgumentException wrong =
        assertThrows(
            IllegalArgumentException.class, () -> new ReferenceGpt2(1, 2, EPS, misshapen, 3, 4));

    assertEquals("missing weight h.0.attn.c_proj.bias", absent.getMessage());
    assertEquals("h.0.attn.c_attn.weight has 16 values, expected 48", wrong.getMessage());
  }

  /** A model whose blocks add nothing: zero projections, LayerNorm gain 1 and bias 0. */
  private static Map<String, float[]> zeroModel(
      int nLayer, int vocab, int nPositions, int nEmbd, int nInner) {
    Map<String, float[]> w = new HashMap<>();
    w.put("wte.weight", new float[vocab * nEmbd]);
    w.put("wpe.weight", new float[nPositions * nEmbd]);
    putNorm(w, "ln_f", nEmbd);
    for (int layer = 0; layer < nLayer; layer++) {
      String p = "h." + layer + ".";
      putNorm(w, p + "ln_1", nEmbd);
      putNorm(w, p + "ln_2", nEmbd);
      putLinear(w, p + "attn.c_attn", nEmbd, 3 * nEmbd);
      putLinear(w, p + "attn.c_proj", nEmbd, nEmbd);
      putLinear(w, p + "mlp.c_fc", nEmbd, nInner);
      putLinear(w, p + "mlp.c_proj", nInner, nEmbd);
    }
    return w;
  }

  private static Map<String, float[]> randomModel(
      int nLayer, int vocab, int nPositions, int nEmbd, int nInner) {
    Map<String, float[]> w = zeroModel(nLayer, vocab, nPositions, nEmbd, nInner);
    Random random = new Random(7);
    for (float[] values : w.values()) {
      for (int i = 0; i < values.length; i++) {
        values[i] = (float) (random.nextGaussian() * 0.5);
      }
    }
    return w;
  }

  private static void putNorm(Map<String, float[]> w, String name, int width) {
    float[] ones = new float[width];
    java.util.Arrays.fill(ones, 1);
    w.put(name + ".weight", ones);
    w.put(name + ".bias", new float[width]);
  }

  private static void putLinear(Map<String, float[]> w, String name, int in, int out) {
    w.put(name + ".weight", new float[in * out]);
    w.put(name + ".bias", new float[out]);
  }

  private static double[] normalize(double[] x, double eps) {
    double mean = (x[0] + x[1] + x[2] + x[3]) / 4;
    double variance = 0;
    for (double v : x) {
      variance += (v - mean) * (v - mean) / 4;
    }
    double[] y = new double[4];
    for (int i = 0; i < 4; i++) {
      y[i] = (x[i] - mean) / Math.sqrt(variance + eps);
    }
    return y;
  }

  private static float[] flatten(float[][] rows) {
    float[] flat = new float[rows.length * rows[0].length];
    for (int r = 0; r < rows.length; r++) {
      System.arraycopy(rows[r], 0, flat, r * rows[0].length, rows[0].length);
    }
    return flat;
  }
}
