package dev.cft.lm.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The fused native update against AdamW written out in plain Java, step by step. */
class AdamWTest {
  static final AdamW.Settings SETTINGS = new AdamW.Settings(0.9, 0.95, 1e-8, 0.1, 1.0);

  /** One tensor's reference state: weight and both moments. */
  static final class Reference {
    final double[] w;
    final double[] m;
    final double[] v;

    Reference(float[] initial) {
      w = new double[initial.length];
      for (int i = 0; i < w.length; i++) {
        w[i] = initial[i];
      }
      m = new double[w.length];
      v = new double[w.length];
    }

    void step(double[] g, double scale, double lr, double decay, long t) {
      double b1 = SETTINGS.beta1();
      double b2 = SETTINGS.beta2();
      double stepSize = lr * Math.sqrt(1 - Math.pow(b2, t)) / (1 - Math.pow(b1, t));
      for (int i = 0; i < w.length; i++) {
        double gi = g[i] * scale;
        w[i] -= lr * decay * w[i];
        m[i] = b1 * m[i] + (1 - b1) * gi;
        v[i] = b2 * v[i] + (1 - b2) * gi * gi;
        w[i] -= stepSize * m[i] / (Math.sqrt(v[i]) + SETTINGS.epsilon());
      }
    }
  }

  @Test
  void matchesThePlainJavaUpdateWithDecayOnlyOnBlockMatricesAndNormClipping() {
    Random random = new Random(1);
    Map<String, Shape> shapes = new LinkedHashMap<>();
    shapes.put("h.0.mlp.c_fc.weight", new Shape(3, 4)); // decayed
    shapes.put("h.0.mlp.c_fc.bias", new Shape(4)); // not decayed
    shapes.put("wte.weight", new Shape(5, 3)); // not decayed
    try (NDManager manager = NDManager.newBaseManager();
        AdamW adamW = new AdamW(SETTINGS, manager)) {
      Map<String, NDArray> weights = new LinkedHashMap<>();
      Map<String, Reference> reference = new LinkedHashMap<>();
      shapes.forEach(
          (name, shape) -> {
            float[] init = gaussian(random, (int) shape.size(), 1);
            NDArray w = manager.create(init, shape);
            w.setRequiresGradient(true);
            weights.put(name, w);
            reference.put(name, new Reference(init));
          });
      double lr = 0.05;
      boolean clipped = false;
      for (long t = 1; t <= 4; t++) {
        // Gradients large enough on some steps for the global norm to pass 1 and be clipped.
        Map<String, double[]> gradients = new LinkedHashMap<>();
        double squares = 0;
        for (Map.Entry<String, NDArray> e : weights.entrySet()) {
          float[] g = gaussian(random, (int) e.getValue().size(), t % 2 == 0 ? 2 : 0.05);
          // d/dw Σ w·g = g, through the engine's own backward pass.
          try (GradientCollector collector = Engine.getInstance().newGradientCollector();
              NDManager scope = manager.newSubManager()) {
            NDArray given = scope.create(g, e.getValue().getShape());
            collector.backward(given.mul(e.getValue()).sum());
          }
          double[] gd = new double[g.length];
          for (int i = 0; i < g.length; i++) {
            gd[i] = g[i];
            squares += gd[i] * gd[i];
          }
          gradients.put(e.getKey(), gd);
        }
        double expectedNorm = Math.sqrt(squares);
        double scale = expectedNorm > 1 ? 1 / expectedNorm : 1;
        clipped |= scale < 1;

        double norm = adamW.step(weights, lr, 1.0);

        assertEquals(expectedNorm, norm, 1e-4 * expectedNorm);
        for (Map.Entry<String, NDArray> e : weights.entrySet()) {
          String name = e.getKey();
          reference
              .get(name)
              .step(
                  gradients.get(name),
                  scale,
                  lr,
                  AdamW.decays(name) ? SETTINGS.weightDecay() : 0,
                  t);
          float[] actual = e.getValue().toFloatArray();
          double[] expected = reference.get(name).w;
          for (int i = 0; i < actual.length; i++) {
            assertEquals(expected[i], actual[i], 1e-5, name + "[" + i + "] after step " + t);
          }
          for (float g : e.getValue().getGradient().toFloatArray()) {
            assertEquals(0f, g, name + ": gradient zeroed for the next step");
          }
        }
      }
      assertTrue(clipped, "some step exercised the clipping");
    }
  }

  private static float[] gaussian(Random random, int n, double std) {
    float[] values = new float[n];
    for (int i = 0; i < n; i++) {
      values[i] = (float) (random.nextGaussian() * std);
    }
    return values;
  }
}
