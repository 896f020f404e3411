package dev.cft.lm;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * The shape of a GPT-2 model, with Hugging Face's {@code config.json} field names, so that a real
 * {@code gpt2}/{@code distilgpt2} directory loads unchanged and what we write loads in
 * transformers.
 *
 * @param nInner width of the MLP; null means {@code 4 * nEmbd}, as in GPT-2
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record GptConfig(
    @JsonProperty("vocab_size") int vocabSize,
    @JsonProperty("n_positions") int nPositions,
    @JsonProperty("n_embd") int nEmbd,
    @JsonProperty("n_layer") int nLayer,
    @JsonProperty("n_head") int nHead,
    @JsonProperty("n_inner") Integer nInner,
    @JsonProperty("layer_norm_epsilon") double layerNormEpsilon,
    @JsonProperty("embd_pdrop") double embdPdrop,
    @JsonProperty("attn_pdrop") double attnPdrop,
    @JsonProperty("resid_pdrop") double residPdrop,
    @JsonProperty("initializer_range") double initializerRange,
    @JsonProperty("bos_token_id") int bosTokenId,
    @JsonProperty("eos_token_id") int eosTokenId,
    @JsonProperty("activation_function") String activationFunction) {

  /** GPT-2's activation names for the tanh approximation of GELU, the only one GPT-2 uses. */
  private static final Set<String> TANH_GELU = Set.of("gelu_new", "gelu_pytorch_tanh", "gelu_fast");

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  public GptConfig {
    positive("vocab_size", vocabSize);
    positive("n_positions", nPositions);
    positive("n_embd", nEmbd);
    positive("n_layer", nLayer);
    positive("n_head", nHead);
    if (nEmbd % nHead != 0) {
      throw new IllegalArgumentException(
          "n_embd (" + nEmbd + ") must be a multiple of n_head (" + nHead + ")");
    }
    if (activationFunction == null) {
      activationFunction = "gelu_new";
    }
    if (!TANH_GELU.contains(activationFunction)) {
      throw new IllegalArgumentException(
          "activation_function '" + activationFunction + "' is not supported: GPT-2 uses gelu_new");
    }
    if (layerNormEpsilon <= 0) {
      layerNormEpsilon = 1e-5;
    }
  }

  private static void positive(String field, int value) {
    if (value <= 0) {
      throw new IllegalArgumentException(field + " must be positive, was " + value);
    }
  }

  /** The CPU demo and test size: byte vocabulary, 128 wide, 4 layers (~0.8 M parameters). */
  public static GptConfig tiny(int vocabSize) {
    return new GptConfig(
        vocabSize,
        128,
        128,
        4,
        4,
        null,
        1e-5,
        0,
        0,
        0,
        0.02,
        vocabSize - 1,
        vocabSize - 1,
        "gelu_new");
  }

  /** The 124 M-parameter GPT-2 shape. */
  public static GptConfig gpt2() {
    return new GptConfig(
        50257, 1024, 768, 12, 12, null, 1e-5, 0.1, 0.1, 0.1, 0.02, 50256, 50256, "gelu_new");
  }

  public static GptConfig preset(String name, int vocabSize) {
    return switch (name) {
      case "tiny" -> tiny(vocabSize);
      case "gpt2" -> gpt2();
      default -> throw new IllegalArgumentException("no preset '" + name + "': tiny or gpt2");
    };
  }

  public GptConfig withDropout(double p) {
    return new GptConfig(
        vocabSize,
        nPositions,
        nEmbd,
        nLayer,
        nHead,
        nInner,
        layerNormEpsilon,
        p,
        p,
        p,
        initializerRange,
        bosTokenId,
        eosTokenId,
        activationFunction);
  }

  public int innerDim() {
    return nInner == null ? 4 * nEmbd : nInner;
  }

  public int headDim() {
    return nEmbd / nHead;
  }

  /** Weights in the model: embeddings, blocks, final norm; the LM head is tied to {@code wte}. */
  public long parameterCount() {
    long c = nEmbd;
    long inner = innerDim();
    long block =
        2 * 2 * c + (c * 3 * c + 3 * c) + (c * c + c) + (c * inner + inner) + (inner * c + c);
    return (long) vocabSize * c + (long) nPositions * c + nLayer * block + 2 * c;
  }

  // Fields transformers expects in config.json besides ours.
  @JsonProperty("model_type")
  String modelType() {
    return "gpt2";
  }

  @JsonProperty("architectures")
  List<String> architectures() {
    return List.of("GPT2LMHeadModel");
  }

  @JsonProperty("n_ctx")
  int nCtx() {
    return nPositions;
  }

  @JsonProperty("tie_word_embeddings")
  boolean tieWordEmbeddings() {
    return true;
  }

  @JsonProperty("torch_dtype")
  String torchDtype() {
    return "float32";
  }

  public static GptConfig read(Path dir) throws IOException {
    Path file = dir.resolve("config.json");
    if (!Files.exists(file)) {
      throw new IOException("no config.json in " + dir + ": not a model directory");
    }
    try {
      return JSON.readValue(file.toFile(), GptConfig.class);
    } catch (IOException | IllegalArgumentException e) {
      throw new IOException(file + ": " + e.getMessage(), e);
    }
  }

  public void write(Path dir) throws IOException {
    Files.createDirectories(dir);
    JSON.writeValue(dir.resolve("config.json").toFile(), this);
  }
}
