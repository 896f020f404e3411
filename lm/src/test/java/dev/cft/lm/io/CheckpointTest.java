package dev.cft.lm.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.cft.lm.Gpt;
import dev.cft.lm.GptConfig;
import dev.cft.lm.ReferenceGpt2;
import dev.cft.lm.tokenizer.ByteTokenizer;
import dev.cft.lm.tokenizer.TextTokenizer;
import dev.cft.lm.tokenizer.TinyBpeTokenizerJson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointTest {
  static NDManager root;

  @BeforeAll
  static void setUp() {
    root = NDManager.newBaseManager();
  }

  @AfterAll
  static void tearDown() {
    root.close();
  }

  static float[] logits(Gpt model, int[] ids) {
    try (NDManager step = root.newSubManager()) {
      return model.forward(step.create(ids, new Shape(1, ids.length)), false).toFloatArray();
    }
  }

  @Test
  void saveThenLoadGivesBitIdenticalLogits(@TempDir Path dir) throws Exception {
    GptConfig config =
        new GptConfig(
            ByteTokenizer.VOCAB,
            32,
            32,
            2,
            4,
            null,
            1e-5,
            0.1,
            0.1,
            0.1,
            0.02,
            256,
            256,
            "gelu_new");
    int[] ids = new ByteTokenizer().encode("checkpoint");
    try (Gpt model = Gpt.initialize(config, root, 4)) {
      Checkpoint.save(model, new ByteTokenizer(), dir.resolve("m"));
      try (Gpt loaded = Checkpoint.load(dir.resolve("m"), root);
          TextTokenizer tokenizer = TextTokenizer.load(dir.resolve("m"))) {
        assertArrayEquals(logits(model, ids), logits(loaded, ids));
        assertEquals(config, loaded.config());
        assertArrayEquals(ids, tokenizer.encode("checkpoint"));
      }
    }
    for (String file :
        new String[] {"config.json", "model.safetensors", "generation_config.json"}) {
      assertTrue(Files.exists(dir.resolve("m").resolve(file)), file);
    }
    try (var listing = Files.list(dir)) {
      assertEquals(1, listing.count(), "no staging directory may be left behind");
    }
  }

  /**
   * A directory laid out as Hugging Face writes GPT-2 (prefixed names, the attention mask buffers,
   * a tokenizer.json) loads, and the model's logits match an independent plain-Java forward pass.
   */
  @Test
  void aHuggingFaceLayoutCheckpointLoadsAndMatchesTheReferenceForwardPass(@TempDir Path dir)
      throws Exception {
    TinyBpeTokenizerJson.write(dir);
    int[] ids;
    int vocab;
    try (TextTokenizer tokenizer = TextTokenizer.load(dir)) {
      ids = tokenizer.encode("hello world, hello model");
      vocab = 300;
      for (int id : ids) {
        assertTrue(id < vocab, "tokenizer id " + id + " beyond the test vocabulary");
      }
    }
    GptConfig config =
        new GptConfig(vocab, 40, 24, 2, 3, null, 1e-5, 0.1, 0.1, 0.1, 0.02, 0, 0, "gelu_new");
    config.write(dir);
    Random random = new Random(12);
    Map<String, float[]> plain = new LinkedHashMap<>();
    Map<String, SafeTensors.Tensor> file = new LinkedHashMap<>();
    for (String name : Gpt.names(config)) {
      long[] shape = Gpt.shapeOf(config, name).getShape();
      float[] values = new float[(int) Gpt.shapeOf(config, name).size()];
      for (int i = 0; i < values.length; i++) {
        values[i] =
            (float)
                (random.nextGaussian() * (name.contains("ln_") ? 0.2 : 0.1)
                    + (name.contains("ln_") && name.endsWith("weight") ? 1 : 0));
      }
      plain.put(name, values);
      file.put("transformer." + name, SafeTensors.Tensor.f32(shape, values));
    }
    for (int l = 0; l < config.nLayer(); l++) {
      file.put(
          "transformer.h." + l + ".attn.bias",
          SafeTensors.Tensor.f32(new long[] {1, 1, 40, 40}, new float[1600]));
    }
    SafeTensors.write(dir.resolve(Checkpoint.WEIGHTS), file, Map.of("format", "pt"));

    float[][] expected =
        ReferenceGpt2.logits(
            config.nLayer(),
            config.nHead(),
            config.layerNormEpsilon(),
            plain,
            vocab,
            config.nEmbd(),
            ids);
    try (Gpt model = Checkpoint.load(dir, root)) {
      float[] actual = logits(model, ids);
      for (int t = 0; t < ids.length; t++) {
        for (int v = 0; v < vocab; v++) {
          assertEquals(expected[t][v], actual[t * vocab + v], 1e-4, "logit " + v + " at " + t);
        }
      }
    }
  }
}
