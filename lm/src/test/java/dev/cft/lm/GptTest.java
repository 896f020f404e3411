package dev.cft.lm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.BaseNDManager;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.lang.reflect.Field;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class GptTest {
  static final GptConfig SMALL =
      new GptConfig(50, 32, 16, 2, 4, null, 1e-5, 0, 0, 0, 0.02, 49, 49, "gelu_new");
  static NDManager root;

  @BeforeAll
  static void engine() {
    root = NDManager.newBaseManager();
  }

  @AfterAll
  static void release() {
    root.close();
  }

  static float[] logits(Gpt model, long[] ids) {
    try (NDManager step = root.newSubManager()) {
      NDArray x = step.create(ids, new Shape(1, ids.length));
      return model.forward(x, false).toFloatArray();
    }
  }

  @Test
  void aModelMadeFromJavaArraysOwnsItsWeightsAfterTheirManagerIsGone() {
    // Arrays made from Java data sit in Java direct buffers; a model that only pointed at them
    // read freed memory once their manager closed and a GC ran (heap corruption, seen in a
    // service).
    Map<String, float[]> values = new java.util.LinkedHashMap<>();
    try (NDManager staging = root.newSubManager()) {
      Map<String, NDArray> arrays = new java.util.LinkedHashMap<>();
      java.util.Random random = new java.util.Random(5);
      for (String name : Gpt.names(SMALL)) {
        Shape shape = Gpt.shapeOf(SMALL, name);
        float[] v = new float[(int) shape.size()];
        for (int i = 0; i < v.length; i++) {
          v[i] = (float) random.nextGaussian();
        }
        values.put(name, v);
        arrays.put(name, staging.create(v, shape));
      }
      Gpt model = Gpt.of(SMALL, root, arrays);
      staging.close();
      for (int round = 0; round < 5; round++) {
        System.gc();
        for (int i = 0; i < 200; i++) {
          java.nio.ByteBuffer junk = java.nio.ByteBuffer.allocateDirect(4 * 16 * 64);
          while (junk.hasRemaining()) {
            junk.put((byte) 0x7f);
          }
        }
      }
      try (model) {
        values.forEach(
            (name, v) -> assertArrayEquals(v, model.weights().get(name).toFloatArray(), name));
      }
    }
  }

  @Test
  void logitsHaveTheShapeBatchByTimeByVocab() {
    try (Gpt model = Gpt.initialize(SMALL, root, 1);
        NDManager step = root.newSubManager()) {
      NDArray ids = step.create(new long[] {1, 2, 3, 4, 5, 6}, new Shape(2, 3));
      assertEquals(new Shape(2, 3, 50), model.forward(ids, false).getShape());
    }
  }

  @Test
  void sameSeedSameWeightsOtherSeedOtherWeights() {
    try (Gpt a = Gpt.initialize(SMALL, root, 7);
        Gpt b = Gpt.initialize(SMALL, root, 7);
        Gpt c = Gpt.initialize(SMALL, root, 8)) {
      assertArrayEquals(logits(a, new long[] {1, 2, 3}), logits(b, new long[] {1, 2, 3}));
      assertTrue(
          !java.util.Arrays.equals(
              logits(a, new long[] {1, 2, 3}), logits(c, new long[] {1, 2, 3})));
    }
  }

  @Test
  void aPositionNeverSeesLaterTokens() {
    try (Gpt model = Gpt.initialize(SMALL, root, 3)) {
      float[] first = logits(model, new long[] {5, 6, 7, 8});
      float[] changedLast = logits(model, new long[] {5, 6, 7, 9});
      int earlier = 3 * SMALL.vocabSize();
      assertArrayEquals(
          java.util.Arrays.copyOf(first, earlier), java.util.Arrays.copyOf(changedLast, earlier));
      assertTrue(
          first[earlier] != changedLast[earlier], "the last position must see its own token");
    }
  }

  @Test
  void decodingWithTheKvCacheGivesTheSameLogitsAsTheFullSequence() {
    long[] ids = {3, 14, 15, 9, 26, 5, 35};
    try (Gpt model = Gpt.initialize(SMALL, root, 11);
        KvCache cache = new KvCache(SMALL.nLayer(), root)) {
      float[] full = logits(model, ids);
      int v = SMALL.vocabSize();
      try (NDManager step = root.newSubManager()) {
        // Prefill with the first 4 tokens, then one token at a time.
        float[] prefill =
            model
                .forwardCached(step.create(new long[] {3, 14, 15, 9}, new Shape(1, 4)), cache)
                .toFloatArray();
        for (int i = 0; i < 4 * v; i++) {
          assertEquals(full[i], prefill[i], 1e-5, "prefill logit " + i);
        }
      }
      for (int t = 4; t < ids.length; t++) {
        try (NDManager step = root.newSubManager()) {
          float[] next =
              model
                  .forwardCached(step.create(new long[] {ids[t]}, new Shape(1, 1)), cache)
                  .toFloatArray();
          for (int i = 0; i < v; i++) {
            assertEquals(full[t * v + i], next[i], 1e-5, "position " + t + " logit " + i);
          }
        }
      }
      assertEquals(ids.length, cache.length());
    }
  }

  @Test
  void forwardLeavesNothingInTheWeightsManager() throws Exception {
    try (Gpt model = Gpt.initialize(SMALL, root, 5)) {
      logits(model, new long[] {1, 2, 3}); // builds the causal mask for T=3 once
      int before = resources(model.manager());
      for (int i = 0; i < 5; i++) {
        logits(model, new long[] {1, 2, 3});
      }
      assertEquals(before, resources(model.manager()));
    }
  }

  @Test
  void tooLongASequenceIsRefusedWithTheLimit() {
    try (Gpt model = Gpt.initialize(SMALL, root, 5)) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> logits(model, new long[33]));
      assertEquals("sequence of 33 tokens exceeds n_positions 32", e.getMessage());
    }
  }

  @Test
  void parameterCountMatchesTheWeights() {
    try (Gpt model = Gpt.initialize(SMALL, root, 5)) {
      long count = model.weights().values().stream().mapToLong(a -> a.getShape().size()).sum();
      assertEquals(SMALL.parameterCount(), count);
      assertEquals(124_439_808L, GptConfig.gpt2().parameterCount()); // GPT-2 small, tied head
    }
  }

  private static int resources(NDManager manager) throws Exception {
    Field field = BaseNDManager.class.getDeclaredField("resources");
    field.setAccessible(true);
    return ((Map<?, ?>) field.get(manager)).size();
  }

  static float[] gradientOfWte(Gpt model, boolean collectGarbage) throws Exception {
    NDArray wte = model.weights().get("wte.weight");
    wte.setRequiresGradient(true);
    try (NDManager step = root.newSubManager();
        ai.djl.training.GradientCollector collector =
            ai.djl.engine.Engine.getInstance().newGradientCollector()) {
      NDArray logits = model.forward(step.create(new long[] {1, 2, 3, 4}, new Shape(1, 4)), true);
      NDArray loss = logits.mul(logits).mean();
      if (collectGarbage) {
        for (int i = 0; i < 3; i++) {
          System.gc();
          Thread.sleep(50);
        }
      }
      collector.backward(loss);
      try (NDArray gradient = wte.getGradient()) {
        float[] values = gradient.toFloatArray();
        gradient.muli(0f);
        return values;
      }
    } finally {
      wte.setRequiresGradient(false);
    }
  }

  /** Autograd keeps scalars of the forward pass; they must not live in collectable Java memory. */
  @Test
  void gradientsSurviveAGarbageCollectionBetweenForwardAndBackward() throws Exception {
    try (Gpt model = Gpt.initialize(SMALL, root, 9)) {
      float[] quiet = gradientOfWte(model, false);
      float[] collected = gradientOfWte(model, true);
      assertArrayEquals(quiet, collected);
    }
  }

  @Test
  void dropoutDropsTheRequestedShareAndKeepsTheExpectation() {
    try (NDManager step = root.newSubManager()) {
      NDArray ones = step.ones(new Shape(1000, 1000));
      float[] dropped = TorchOps.dropout(ones, 0.1, true).toFloatArray();
      long zeros = 0;
      double sum = 0;
      for (float v : dropped) {
        zeros += v == 0 ? 1 : 0;
        sum += v;
      }
      assertEquals(26.0 / 256, zeros / 1e6, 2e-3); // round(256 · 0.1) byte values of 256 drop
      assertEquals(1.0, sum / 1e6, 5e-3);
      assertArrayEquals(ones.toFloatArray(), TorchOps.dropout(ones, 0.1, false).toFloatArray());
    }
  }
}
