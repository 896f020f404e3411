package dev.cft.lm.cli;

import ai.djl.ndarray.NDManager;
import dev.cft.lm.Gpt;
import dev.cft.lm.io.Checkpoint;
import dev.cft.lm.tokenizer.TextTokenizer;
import java.io.IOException;
import java.nio.file.Path;

/** A model with its tokenizer, as the commands use them; closing frees both. */
record LoadedModel(Gpt model, TextTokenizer tokenizer) implements AutoCloseable {

  /**
   * The model and tokenizer of a checkpoint directory. The model first: for a path that is no model
   * directory at all, "no config.json" says more than "no tokenizer".
   */
  static LoadedModel load(Path dir, NDManager manager) throws IOException {
    Gpt model = Checkpoint.load(dir, manager);
    try {
      return new LoadedModel(model, TextTokenizer.load(dir));
    } catch (IOException | RuntimeException e) {
      model.close();
      throw e;
    }
  }

  @Override
  public void close() {
    model.close();
    tokenizer.close();
  }
}
