package dev.cft.lm.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cft.lm.Gpt;
import dev.cft.lm.GptConfig;
import dev.cft.lm.tokenizer.TextTokenizer;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * A model directory in the Hugging Face layout: {@code config.json}, {@code model.safetensors}
 * (GPT-2 tensor names, Conv1D weights {@code [in, out]}), the tokenizer's files and {@code
 * generation_config.json}. A real {@code gpt2}/{@code distilgpt2} directory loads unchanged; what
 * {@link #save} writes loads in transformers. A directory is written beside its destination and
 * moved into place, so a reader never sees half a checkpoint.
 */
public final class Checkpoint {
  public static final String WEIGHTS = "model.safetensors";
  private static final String PREFIX = "transformer.";
  private static final ObjectMapper JSON = new ObjectMapper();

  private Checkpoint() {}

  /** Writes model and tokenizer to {@code dir}, replacing what was there. */
  public static void save(Gpt model, TextTokenizer tokenizer, Path dir) throws IOException {
    save(model, tokenizer, dir, Map.of());
  }

  /**
   * Writes model, tokenizer and {@code extra} files (name → tensors, for training state) into
   * {@code dir}, atomically.
   */
  public static void save(
      Gpt model, TextTokenizer tokenizer, Path dir, Map<String, Map<String, NDArray>> extra)
      throws IOException {
    save(model, tokenizer, dir, extra, true);
  }

  /**
   * As {@link #save(Gpt, TextTokenizer, Path, Map)}; without {@code weights} the directory holds no
   * {@value #WEIGHTS} (a LoRA run's checkpoint: the base it trains on does not change).
   */
  public static void save(
      Gpt model,
      TextTokenizer tokenizer,
      Path dir,
      Map<String, Map<String, NDArray>> extra,
      boolean weights)
      throws IOException {
    Path target = dir.toAbsolutePath();
    Files.createDirectories(target.getParent());
    Path staging = target.resolveSibling(target.getFileName() + ".tmp-" + UUID.randomUUID());
    Files.createDirectories(staging);
    try {
      GptConfig config = model.config();
      config.write(staging);
      if (weights) {
        writeTensors(staging.resolve(WEIGHTS), model.weights());
      }
      tokenizer.save(staging);
      JSON.writerWithDefaultPrettyPrinter()
          .writeValue(
              staging.resolve("generation_config.json").toFile(),
              Map.of(
                  "bos_token_id", config.bosTokenId(),
                  "eos_token_id", config.eosTokenId(),
                  "_from_model_config", true));
      for (Map.Entry<String, Map<String, NDArray>> file : extra.entrySet()) {
        writeTensors(staging.resolve(file.getKey()), file.getValue());
      }
      if (Files.exists(target)) {
        deleteTree(target);
      }
      Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      if (Files.exists(staging)) {
        deleteTree(staging);
      }
    }
  }

  /** Loads the model of a checkpoint directory into a manager below {@code parent}. */
  public static Gpt load(Path dir, NDManager parent) throws IOException {
    GptConfig config = GptConfig.read(dir);
    Path weightsFile = dir.resolve(WEIGHTS);
    if (!Files.exists(weightsFile)) {
      throw new IOException("no " + WEIGHTS + " in " + dir);
    }
    try (NDManager staging = parent.newSubManager()) {
      Map<String, NDArray> arrays = new LinkedHashMap<>();
      for (Map.Entry<String, SafeTensors.Tensor> entry : SafeTensors.read(weightsFile).entrySet()) {
        String name =
            entry.getKey().startsWith(PREFIX)
                ? entry.getKey().substring(PREFIX.length())
                : entry.getKey();
        if (isBuffer(name)) {
          continue;
        }
        arrays.put(name, staged(entry.getValue(), staging)); // Gpt.of copies it
      }
      try {
        return Gpt.of(config, parent, arrays);
      } catch (IllegalArgumentException e) {
        throw new IOException(weightsFile + ": " + e.getMessage(), e);
      }
    }
  }

  /**
   * GPT-2 files carry the causal mask as {@code h.N.attn.bias}/{@code masked_bias} buffers, and may
   * carry the tied {@code lm_head.weight}: none of them is a weight to load.
   */
  private static boolean isBuffer(String name) {
    return name.endsWith(".attn.bias")
        || name.endsWith(".attn.masked_bias")
        || name.equals("lm_head.weight");
  }

  /** Reads a tensor file written by {@link #save}'s {@code extra} into {@code manager}. */
  public static Map<String, NDArray> readTensors(Path file, NDManager manager) throws IOException {
    Map<String, NDArray> arrays = new LinkedHashMap<>();
    for (Map.Entry<String, SafeTensors.Tensor> entry : SafeTensors.read(file).entrySet()) {
      NDArray staged = staged(entry.getValue(), manager);
      NDArray array = staged.duplicate(); // in libtorch's own memory
      staged.close();
      array.setName(entry.getKey());
      arrays.put(entry.getKey(), array);
    }
    return arrays;
  }

  /**
   * A float32 array over a tensor read from a file, to be copied before the file's mapping goes: an
   * F32 tensor is a view of the memory-mapped file itself, with no Java heap or direct buffer in
   * between (a 500 MB model fits neither in a service's heap nor its direct memory); F16 and BF16
   * are widened through a Java array.
   */
  private static NDArray staged(SafeTensors.Tensor tensor, NDManager manager) {
    Shape shape = new Shape(tensor.shape());
    if (tensor.dtype().equals("F32")) {
      return manager.create(tensor.data(), shape, DataType.FLOAT32);
    }
    NDArray widened = manager.create(tensor.toFloats(), shape);
    NDArray owned = widened.duplicate(); // the direct buffer behind `widened` goes at once
    widened.close();
    return owned;
  }

  /** Each array's bytes are copied out of libtorch only when written: one tensor at a time. */
  private static void writeTensors(Path file, Map<String, NDArray> arrays) throws IOException {
    Map<String, SafeTensors.Pending> tensors = new LinkedHashMap<>();
    arrays.forEach(
        (name, array) -> {
          if (array.getDataType() != DataType.FLOAT32) {
            throw new IllegalArgumentException(
                name + " is " + array.getDataType() + ", not float32");
          }
          tensors.put(
              name,
              new SafeTensors.Pending(
                  "F32",
                  array.getShape().getShape(),
                  // A view of libtorch's own memory (no copy on the Java side), written as is.
                  () -> array.toByteBuffer(true).order(ByteOrder.LITTLE_ENDIAN)));
        });
    SafeTensors.writePending(file, tensors, Map.of("format", "pt"));
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }
}
