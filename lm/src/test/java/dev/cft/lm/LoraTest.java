package dev.cft.lm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.cft.lm.data.Example;
import dev.cft.lm.tokenizer.ByteTokenizer;
import dev.cft.lm.train.FineTuner;
import dev.cft.lm.train.TrainingRequest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class LoraTest {
  static final GptConfig CONFIG =
      new GptConfig(
          ByteTokenizer.VOCAB, 48, 32, 2, 4, null, 1e-5, 0, 0, 0, 0.02, 256, 256, "gelu_new");
  static NDManager root;

  @BeforeAll
  static void setUp() {
    root = NDManager.newBaseManager();
  }

  @AfterAll
  static void tearDown() {
    root.close();
  }

  static float[] logits(Gpt model, String text) {
    int[] ids = new ByteTokenizer().encode(text);
    try (NDManager step = root.newSubManager()) {
      return model.forward(step.create(ids, new Shape(1, ids.length)), false).toFloatArray();
    }
  }

  static Map<String, float[]> copy(Map<String, NDArray> arrays) {
    Map<String, float[]> copy = new LinkedHashMap<>();
    arrays.forEach((name, array) -> copy.put(name, array.toFloatArray()));
    return copy;
  }

  static TrainingRequest shortRun() {
    List<Example> data = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      data.add(Example.completion("q" + i + "=", "answer " + (i % 4)));
    }
    return TrainingRequest.builder(data, 32)
        .epochs(3)
        .batch(4, 1)
        .learningRate(1e-2, 0, 1)
        .seed(3)
        .build();
  }

  @Test
  void aFreshAdapterChangesNothing() {
    try (Gpt model = Gpt.initialize(CONFIG, root, 1)) {
      float[] before = logits(model, "adapter");
      model.addLora(Lora.Config.allProjections(4, 8, 0), 2);
      assertArrayEquals(before, logits(model, "adapter"));
      assertEquals(2 * 4 * CONFIG.nLayer(), model.trainable().size()); // A and B per projection
    }
  }

  @Test
  void trainingWithLoraUpdatesOnlyTheAdaptersAndMergingKeepsTheLogits() {
    try (Gpt model = Gpt.initialize(CONFIG, root, 1)) {
      Map<String, float[]> base = copy(model.weights());
      float[] untuned = logits(model, "q3=");
      model.addLora(Lora.Config.allProjections(4, 8, 0.05), 2);

      new FineTuner(model, new ByteTokenizer()).train(shortRun());

      Map<String, float[]> after = copy(model.weights());
      base.forEach((name, values) -> assertArrayEquals(values, after.get(name), name + " changed"));
      float[] adapted = logits(model, "q3=");
      assertFalse(java.util.Arrays.equals(untuned, adapted), "the adapters must have learned");

      model.mergeLora();
      assertNull(model.lora());
      float[] merged = logits(model, "q3=");
      for (int i = 0; i < adapted.length; i++) {
        assertEquals(adapted[i], merged[i], 1e-4, "logit " + i);
      }
      boolean anyBaseChanged = false;
      for (Map.Entry<String, float[]> entry : base.entrySet()) {
        anyBaseChanged |=
            !java.util.Arrays.equals(
                entry.getValue(), model.weights().get(entry.getKey()).toFloatArray());
      }
      assertTrue(anyBaseChanged, "merging must write the update into the base weights");
    }
  }

  @Test
  void resumingALoraRunRestoresTheAdaptersAndRepeatsItsLosses(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
    TrainingRequest.Builder run = shortRun().toBuilder().epochs(10).maxSteps(8);
    List<Double> whole;
    try (Gpt model = Gpt.initialize(CONFIG, root, 1)) {
      model.addLora(Lora.Config.allProjections(4, 8, 0.1), 2);
      whole =
          new FineTuner(model, new ByteTokenizer())
              .train(run.checkpoints(4, dir.resolve("a")).build())
              .losses();
    }
    List<Double> resumed;
    try (Gpt model = Gpt.initialize(CONFIG, root, 1)) {
      model.addLora(
          Lora.Config.allProjections(4, 8, 0.1), 99); // other adapters: the checkpoint must win
      resumed =
          new FineTuner(model, new ByteTokenizer())
              .train(
                  run.checkpoints(4, dir.resolve("b")).resumeFrom(dir.resolve("a/step-4")).build())
              .losses();
    }
    assertEquals(whole.subList(4, 8), resumed);
    assertTrue(java.nio.file.Files.exists(dir.resolve("a/step-4/" + FineTuner.ADAPTER_TENSORS)));
    assertFalse(
        java.nio.file.Files.exists(dir.resolve("a/step-4/model.safetensors")),
        "the base does not change: a LoRA checkpoint does not carry it");
  }
}
