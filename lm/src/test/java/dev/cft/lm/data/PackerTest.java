package dev.cft.lm.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.cft.lm.Gpt;
import dev.cft.lm.GptConfig;
import dev.cft.lm.tokenizer.ByteTokenizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class PackerTest {
  static final ByteTokenizer TOKENIZER = new ByteTokenizer();
  static final int EOS = ByteTokenizer.EOS_ID;

  static int[] bytes(String text) {
    return TOKENIZER.encode(text);
  }

  @Test
  void wrappedRowsCutOneStreamOfExamplesEachAfterAnEos() {
    // Stream: EOS abc EOS defg EOS 0123456789 EOS = 21 tokens, 20 targets: rows of 8 → 3 rows.
    Packer.Packed packed =
        new Packer(TOKENIZER, 8)
            .pack(
                List.of(Example.text("abc"), Example.text("defg"), Example.text("0123456789")),
                Packing.WRAPPED);
    assertEquals(3, packed.sequences().size());
    Packer.Sequence first = packed.sequences().get(0);
    assertTrue(first.causal(), "a wrapped row is causal over all of it, positions 0..T-1");
    assertNull(first.position());
    int[] abc = bytes("abc");
    int[] defg = bytes("defg");
    assertArrayEquals(
        new int[] {EOS, abc[0], abc[1], abc[2], EOS, defg[0], defg[1], defg[2]}, first.input());
    assertArrayEquals(
        new int[] {abc[0], abc[1], abc[2], EOS, defg[0], defg[1], defg[2], defg[3]},
        first.target());
    assertEquals(1f, first.weight()[3], "a text's EOS is trained: the model learns to stop");
    Packer.Sequence second = packed.sequences().get(1);
    assertEquals(defg[3], second.input()[0], "the next row goes on where the last one stopped");
    Packer.Sequence last = packed.sequences().get(2);
    assertEquals(0f, last.weight()[7], "the tail after the stream's end is padding");
    assertEquals(3 + 1 + 4 + 1 + 10 + 1, packed.trainedTokens(), "every target once");
    assertEquals(1, packed.truncated(), "the 11-token example is longer than a row of 8");
  }

  @Test
  void wrappedRowsKeepCompletionOnlyWeights() {
    Packer.Packed packed =
        new Packer(TOKENIZER, 64)
            .pack(
                List.of(Example.completion("Q? ", "yes"), Example.completion("Q? ", "no")),
                Packing.WRAPPED);
    assertEquals(("yes".length() + 1) + ("no".length() + 1), packed.trainedTokens());
  }

  @Test
  void blockDiagonalRowsHoldWholeExamplesWithPositionsRestartingAtTheirEos() {
    Packer.Packed packed =
        new Packer(TOKENIZER, 16)
            .pack(
                List.of(Example.text("abc"), Example.text("defg"), Example.text("0123456789")),
                Packing.BLOCK_DIAGONAL);
    // EOS abc EOS and EOS defg EOS share a row (11 of 17 tokens); the third does not fit.
    assertEquals(2, packed.sequences().size());
    Packer.Sequence first = packed.sequences().get(0);
    assertArrayEquals(
        new int[] {0, 1, 2, 3, 4, 0, 1, 2, 3, 4}, Arrays.copyOf(first.position(), 10));
    assertArrayEquals(new int[] {0, 0, 0, 0, 0, 1, 1, 1, 1, 1}, Arrays.copyOf(first.example(), 10));
    assertEquals(0f, first.weight()[4], "the first example's EOS predicts nothing of the next");
    assertEquals(0, packed.truncated());
  }

  @Test
  void aTooLongExampleIsCutAndCountedInABlockDiagonalRow() {
    Packer.Packed packed =
        new Packer(TOKENIZER, 8)
            .pack(List.of(Example.text("x".repeat(20))), Packing.BLOCK_DIAGONAL);
    assertEquals(1, packed.truncated());
    assertEquals(8, packed.trainedTokens());
  }

  @Test
  void evaluationRowsHoldOneExampleEachAfterAnEos() {
    Packer.Packed packed =
        new Packer(TOKENIZER, 64).separate(List.of(Example.text("ab"), Example.text("cdef")));
    assertEquals(2, packed.sequences().size());
    Packer.Sequence first = packed.sequences().get(0);
    assertEquals(5, first.input().length, "as wide as the longest example and its EOS");
    assertArrayEquals(new int[] {EOS, 'a', 'b', EOS, EOS}, first.input());
    assertArrayEquals(new float[] {1, 1, 1, 0, 0}, first.weight());
    assertEquals(3 + 5, packed.trainedTokens());
  }

  /** The row count a recipe plans with is the one the packer makes. */
  @Test
  void rowsCountsWhatPackMakes() {
    java.util.Random random = new java.util.Random(3);
    List<Example> examples = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      examples.add(
          Example.completion(
              "q".repeat(1 + random.nextInt(40)), "a".repeat(1 + random.nextInt(90))));
    }
    for (int context : List.of(8, 33, 128)) {
      Packer packer = new Packer(TOKENIZER, context);
      for (Packing packing : Packing.values()) {
        assertEquals(
            packer.pack(examples, packing).sequences().size(),
            packer.rows(examples, packing),
            packing + " at context " + context);
      }
    }
  }

  @Test
  void aBatchRefusesToMixCausalAndBlockDiagonalRows() {
    Packer packer = new Packer(TOKENIZER, 8);
    List<Packer.Sequence> rows = new ArrayList<>();
    rows.add(packer.pack(List.of(Example.text("ab")), Packing.WRAPPED).sequences().get(0));
    rows.add(packer.pack(List.of(Example.text("ab")), Packing.BLOCK_DIAGONAL).sequences().get(0));
    try (NDManager manager = NDManager.newBaseManager()) {
      assertThrows(IllegalArgumentException.class, () -> Batch.of(rows, manager));
    }
  }

  @Test
  void aBlockDiagonalExampleGetsTheLogitsItWouldGetAlone() {
    GptConfig config =
        new GptConfig(
            ByteTokenizer.VOCAB, 32, 32, 2, 4, null, 1e-5, 0, 0, 0, 0.02, 256, 256, "gelu_new");
    Packer.Sequence packed =
        new Packer(TOKENIZER, 24)
            .pack(
                List.of(Example.text("first one"), Example.text("second")), Packing.BLOCK_DIAGONAL)
            .sequences()
            .get(0);
    int offset = 1 + "first one".length() + 1;
    try (NDManager manager = NDManager.newBaseManager();
        Gpt model = Gpt.initialize(config, manager, 3)) {
      Batch batch = Batch.of(List.of(packed), manager);
      NDArray together =
          batch.logits(model, false).get(new NDIndex("0, {}:{}", offset, offset + 7)); // (7,V)
      int[] alone = new int[7];
      alone[0] = EOS;
      System.arraycopy(bytes("second"), 0, alone, 1, 6);
      NDArray single =
          model.forward(manager.create(alone, new Shape(1, alone.length)), false).get(0); // (7,V)
      float[] a = together.toFloatArray();
      float[] b = single.toFloatArray();
      for (int i = 0; i < a.length; i++) {
        assertEquals(b[i], a[i], 1e-5, "logit " + i);
      }
    }
  }
}
