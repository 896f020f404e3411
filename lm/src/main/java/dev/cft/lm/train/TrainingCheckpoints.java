package dev.cft.lm.train;

import static dev.cft.lm.train.FineTuner.ADAPTER_TENSORS;
import static dev.cft.lm.train.FineTuner.BEST_TENSORS;
import static dev.cft.lm.train.FineTuner.STATE_JSON;
import static dev.cft.lm.train.FineTuner.STATE_TENSORS;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cft.lm.Gpt;
import dev.cft.lm.io.Checkpoint;
import dev.cft.lm.tokenizer.TextTokenizer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A run's checkpoints ({@link FineTuner} says what one holds): written at a step, read back to
 * resume at it, and the best weights kept beside them.
 */
final class TrainingCheckpoints {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Gpt model;
  private final TextTokenizer tokenizer;

  TrainingCheckpoints(Gpt model, TextTokenizer tokenizer) {
    this.model = model;
    this.tokenizer = tokenizer;
  }

  /** A copy of the trainable weights (the best so far), replacing {@code previous}. */
  Map<String, NDArray> snapshot(NDManager manager, Map<String, NDArray> previous) {
    if (previous != null) {
      previous.values().forEach(NDArray::close);
    }
    Map<String, NDArray> copy = new LinkedHashMap<>();
    model
        .trainable()
        .forEach(
            (name, w) -> {
              NDArray c = w.duplicate();
              c.attach(manager);
              copy.put(name, c);
            });
    return copy;
  }

  void save(Path dir, AdamW optimizer, FineTuner.State state, Map<String, NDArray> bestWeights) {
    try {
      Map<String, Map<String, NDArray>> extra = new LinkedHashMap<>();
      extra.put(STATE_TENSORS, optimizer.state());
      if (model.lora() != null) {
        extra.put(ADAPTER_TENSORS, model.lora().weights());
      }
      if (bestWeights != null && state.bestStep() != state.step()) {
        extra.put(BEST_TENSORS, bestWeights);
      }
      // A LoRA run's base weights never change: its checkpoint holds the adapters, not the base.
      Checkpoint.save(model, tokenizer, dir, extra, model.lora() == null);
      JSON.writerWithDefaultPrettyPrinter().writeValue(dir.resolve(STATE_JSON).toFile(), state);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write checkpoint " + dir, e);
    }
  }

  /** Loads weights, moments and counters of a checkpoint into this run. */
  FineTuner.State resume(Path dir, AdamW optimizer) {
    try {
      FineTuner.State state =
          JSON.readValue(dir.resolve(STATE_JSON).toFile(), FineTuner.State.class);
      if (model.lora() == null) {
        try (Gpt saved = Checkpoint.load(dir, model.manager())) {
          copyValues(saved.weights(), model.weights());
        }
      } else {
        Map<String, NDArray> adapters =
            Checkpoint.readTensors(dir.resolve(ADAPTER_TENSORS), model.manager());
        copyValues(adapters, model.lora().weights());
        adapters.values().forEach(NDArray::close);
      }
      optimizer.restore(
          Checkpoint.readTensors(dir.resolve(STATE_TENSORS), model.manager()), state.step());
      return state;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot resume from " + dir, e);
    }
  }

  /** Writes each source array's values into the target array of the same name, in place. */
  static void copyValues(Map<String, NDArray> source, Map<String, NDArray> target) {
    target.forEach((name, array) -> array.set(source.get(name).toFloatArray()));
  }

  /** The best weights a checkpoint kept (when they were not its current ones), or null. */
  static Map<String, NDArray> readBest(Path dir, NDManager manager) {
    Path file = dir.resolve(BEST_TENSORS);
    if (!Files.exists(file)) {
      return null;
    }
    try {
      return Checkpoint.readTensors(file, manager);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }
}
