package dev.cft.lm;

import ai.djl.ndarray.NDManager;
import dev.cft.lm.data.Example;
import dev.cft.lm.io.Checkpoint;
import dev.cft.lm.tokenizer.ByteTokenizer;
import dev.cft.lm.train.FineTuner;
import dev.cft.lm.train.TrainingRequest;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Small real models for the services' tests (shipped in lm's test jar): the {@code tiny} preset
 * with the byte tokenizer, trained a given number of steps on labelled tickets.
 */
public final class TestModels {
  private TestModels() {}

  /** {@code ticket <i>: } → billing (even) or login (odd). */
  public static List<Example> tickets(int from, int to) {
    return IntStream.range(from, to)
        .mapToObj(i -> Example.completion("ticket " + i + ": ", i % 2 == 0 ? "billing" : "login"))
        .toList();
  }

  /** Saves a checkpoint trained {@code steps} steps on 60 tickets (0: freshly initialised). */
  public static void saveTrained(Path dir, int steps) throws IOException {
    try (NDManager manager = NDManager.newBaseManager();
        Gpt model = Gpt.initialize(GptConfig.tiny(ByteTokenizer.VOCAB), manager, 1);
        ByteTokenizer tokenizer = new ByteTokenizer()) {
      if (steps > 0) {
        new FineTuner(model, tokenizer)
            .train(
                TrainingRequest.builder(tickets(0, 60), 64)
                    .epochs(50)
                    .maxSteps(steps)
                    .batch(8, 1)
                    .learningRate(1e-3, 0.05, 0.1)
                    .seed(3)
                    .build());
      }
      Checkpoint.save(model, tokenizer, dir);
    }
  }
}
