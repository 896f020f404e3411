package dev.cft.lm.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.cft.lm.Gpt;
import dev.cft.lm.GptConfig;
import dev.cft.lm.tokenizer.ByteTokenizer;
import java.util.List;
import org.junit.jupiter.api.Test;

class CompletionOnlyLossTest {
  static final GptConfig CONFIG =
      new GptConfig(
          ByteTokenizer.VOCAB, 64, 32, 1, 4, null, 1e-5, 0, 0, 0, 0.02, 256, 256, "gelu_new");

  static double loss(Gpt model, Packer.Sequence sequence, NDManager manager) {
    Batch batch = Batch.of(List.of(sequence), manager);
    NDArray logits = batch.logits(model, false);
    return batch.tokenLosses(logits).mul(batch.weight()).sum().getFloat() / batch.trainedTokens();
  }

  @Test
  void onlyTheCompletionAndItsEosAreTrained() {
    ByteTokenizer tokenizer = new ByteTokenizer();
    Packer.Packed packed =
        new Packer(tokenizer, 64)
            .pack(List.of(Example.completion("Question: 2+2? ", "four")), Packing.WRAPPED);
    assertEquals(1, packed.sequences().size());
    assertEquals("four".length() + 1, packed.trainedTokens()); // the completion and EOS
  }

  @Test
  void changingThePromptsLabelsLeavesTheLossUnchanged() {
    ByteTokenizer tokenizer = new ByteTokenizer();
    Packer.Sequence sequence =
        new Packer(tokenizer, 64)
            .pack(
                List.of(Example.completion("Classify: the movie was great. Label:", " positive")),
                Packing.WRAPPED)
            .sequences()
            .get(0);
    int[] prompt = sequence.target().clone();
    int[] trained = sequence.target().clone();
    int firstTrained = -1;
    for (int i = 0; i < prompt.length; i++) {
      if (sequence.weight()[i] == 0) {
        prompt[i] = (prompt[i] + 17) % 256; // other labels where the loss does not look
      } else if (firstTrained < 0) {
        firstTrained = i;
      }
    }
    trained[firstTrained] = (trained[firstTrained] + 17) % 256;
    try (NDManager manager = NDManager.newBaseManager();
        Gpt model = Gpt.initialize(CONFIG, manager, 5)) {
      double original = loss(model, sequence, manager);
      double promptChanged =
          loss(
              model,
              new Packer.Sequence(
                  sequence.input(),
                  prompt,
                  sequence.weight(),
                  sequence.position(),
                  sequence.example()),
              manager);
      double completionChanged =
          loss(
              model,
              new Packer.Sequence(
                  sequence.input(),
                  trained,
                  sequence.weight(),
                  sequence.position(),
                  sequence.example()),
              manager);
      assertEquals(original, promptChanged, 0.0);
      assertNotEquals(original, completionChanged, "a trained label must count");
    }
  }
}
