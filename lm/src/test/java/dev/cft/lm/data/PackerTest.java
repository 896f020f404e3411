package dev.cft.lm.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.cft.lm.Gpt;
import dev.cft.lm.GptConfig;
import dev.cft.lm.tokenizer.ByteTokenizer;
import java.util.List;
import org.junit.jupiter.api.Test;

class PackerTest {
  static final ByteTokenizer TOKENIZER = new ByteTokenizer();

  @Test
  void examplesArePackedWholeWithPositionsRestartingPerExample() {
    Packer.Packed packed =
        new Packer(TOKENIZER, 16)
            .pack(List.of(Example.text("abc"), Example.text("defg"), Example.text("0123456789")));
    // "abc"+EOS and "defg"+EOS share a sequence (9 of 17 tokens: 8 inputs, the last EOS only a
    // target); the third does not fit.
    assertEquals(2, packed.sequences().size());
    Packer.Sequence first = packed.sequences().get(0);
    assertArrayEquals(
        new int[] {0, 1, 2, 3, 0, 1, 2, 3}, java.util.Arrays.copyOf(first.position(), 8));
    assertArrayEquals(
        new int[] {0, 0, 0, 0, 1, 1, 1, 1}, java.util.Arrays.copyOf(first.example(), 8));
    assertEquals(0f, first.weight()[3], "the first example's EOS predicts nothing of the next");
    assertEquals(0, packed.truncated());
  }

  @Test
  void aTooLongExampleIsCutAndCounted() {
    Packer.Packed packed = new Packer(TOKENIZER, 8).pack(List.of(Example.text("x".repeat(20))));
    assertEquals(1, packed.truncated());
    assertEquals(8, packed.trainedTokens());
  }

  @Test
  void aPackedExampleGetsTheLogitsItWouldGetAlone() {
    GptConfig config =
        new GptConfig(
            ByteTokenizer.VOCAB, 32, 32, 2, 4, null, 1e-5, 0, 0, 0, 0.02, 256, 256, "gelu_new");
    Packer.Sequence packed =
        new Packer(TOKENIZER, 24)
            .pack(List.of(Example.text("first one"), Example.text("second")))
            .sequences()
            .get(0);
    int offset = "first one".length() + 1;
    try (NDManager manager = NDManager.newBaseManager();
        Gpt model = Gpt.initialize(config, manager, 3)) {
      Batch batch = Batch.of(List.of(packed), manager);
      NDArray together =
          batch.logits(model, false).get(new NDIndex("0, {}:{}", offset, offset + 6)); // (6,V)
      int[] alone = TOKENIZER.encode("second");
      NDArray single =
          model.forward(manager.create(alone, new Shape(1, alone.length)), false).get(0); // (6,V)
      float[] a = together.toFloatArray();
      float[] b = single.toFloatArray();
      for (int i = 0; i < a.length; i++) {
        assertEquals(b[i], a[i], 1e-5, "logit " + i);
      }
    }
  }
}
