package dev.cft.train.storage;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cft.events.FineTuning;
import dev.cft.lm.Lora;
import dev.cft.lm.data.Packing;
import dev.cft.train.config.TrainConfig;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The training settings a job was accepted with; a worker that resumes it uses these, not its own.
 * The names are those of {@code models/<domain>/training.json} and, in kebab case, of {@code
 * cft.train.*} ({@code CFT_TRAIN_*}); 0 means auto where a field says so. {@link
 * dev.cft.train.service.TrainingRecipe} settles the auto values for a job's base and data.
 *
 * @param recipe which weights train ({@link Recipe})
 * @param epochs passes over the data; 0 = auto (OpenAI's rule, at least {@code minStepsFromScratch}
 *     steps from scratch)
 * @param maxSteps caps the optimizer steps (0: no cap)
 * @param learningRate peak rate; 0 = auto (1e-3 from scratch, 3e-4 full fine-tuning, 5e-4 LoRA)
 * @param learningRateMultiplier scales the rate above, set or auto (OpenAI's {@code
 *     learning_rate_multiplier}); settling applies it
 * @param batchSize rows per micro-batch
 * @param gradientAccumulation micro-batches per optimizer step
 * @param contextLength tokens per row
 * @param packing how examples become rows ({@link Packing})
 * @param dropout for the run (embeddings, attention, residuals)
 * @param warmupRatio share of the steps warming the rate up (then cosine decay to 10 %)
 * @param weightDecay AdamW's decoupled decay of the block matrices
 * @param clipNorm global gradient-norm clipping (0: none)
 * @param evalEvery steps between validations; 0 = auto (20 over the run)
 * @param patience validations without a better val loss before the run stops, keeping its best
 *     weights (0: never stops early)
 * @param loraTargets {@code attention}, {@code mlp} or projection names ({@code attn.c_attn}, ...)
 * @param loraFromParameters the {@link Recipe#AUTO} recipe takes LoRA from this base size up
 * @param replayRatio earlier versions' examples added, as a share of the new version's
 * @param minStepsFromScratch with auto epochs, a model trained from scratch gets at least these
 */
public record JobSettings(
    String baseModel,
    Recipe recipe,
    int epochs,
    long maxSteps,
    double learningRate,
    double learningRateMultiplier,
    int batchSize,
    int gradientAccumulation,
    int contextLength,
    Packing packing,
    double dropout,
    double warmupRatio,
    double weightDecay,
    double clipNorm,
    int evalEvery,
    int patience,
    int loraRank,
    double loraAlpha,
    double loraDropout,
    List<String> loraTargets,
    long loraFromParameters,
    int checkpointEvery,
    double replayRatio,
    long seed,
    int minStepsFromScratch) {
  private static final ObjectMapper JSON = new ObjectMapper();

  public JobSettings {
    require(baseModel != null && !baseModel.isBlank(), "baseModel must be set");
    require(recipe != null, "recipe must be auto, full or lora");
    require(packing != null, "packing must be wrapped or block-diagonal");
    require(epochs >= 0, "epochs must be ≥ 0 (0: auto)");
    require(maxSteps >= 0, "maxSteps must be ≥ 0 (0: no cap)");
    require(learningRate >= 0 && learningRate < 1, "learningRate must be in [0, 1) (0: auto)");
    require(
        learningRateMultiplier > 0 && Double.isFinite(learningRateMultiplier),
        "learningRateMultiplier must be > 0");
    require(batchSize >= 1, "batchSize must be ≥ 1");
    require(gradientAccumulation >= 1, "gradientAccumulation must be ≥ 1");
    require(contextLength >= 2, "contextLength must be ≥ 2");
    require(dropout >= 0 && dropout < 1, "dropout must be in [0, 1)");
    require(warmupRatio >= 0 && warmupRatio <= 1, "warmupRatio must be in [0, 1]");
    require(weightDecay >= 0, "weightDecay must be ≥ 0");
    require(clipNorm >= 0, "clipNorm must be ≥ 0 (0: no clipping)");
    require(evalEvery >= 0, "evalEvery must be ≥ 0 (0: auto)");
    require(patience >= 0, "patience must be ≥ 0 (0: never stop early)");
    require(loraRank >= 1, "loraRank must be ≥ 1");
    require(loraAlpha > 0, "loraAlpha must be > 0");
    require(loraDropout >= 0 && loraDropout < 1, "loraDropout must be in [0, 1)");
    loraTargets = List.copyOf(loraTargets == null ? List.of() : loraTargets);
    Lora.projections(loraTargets); // names the unknown ones
    require(loraFromParameters >= 0, "loraFromParameters must be ≥ 0");
    require(checkpointEvery >= 0, "checkpointEvery must be ≥ 0 (0: no checkpoints)");
    require(replayRatio >= 0, "replayRatio must be ≥ 0");
    require(minStepsFromScratch >= 0, "minStepsFromScratch must be ≥ 0");
  }

  private static void require(boolean condition, String message) {
    if (!condition) {
      throw new IllegalArgumentException(message);
    }
  }

  /**
   * These settings with a domain's overrides applied ({@code models/<domain>/training.json}, the
   * same names, e.g. {@code {"epochs": 5, "learningRate": 1e-4}}).
   *
   * @throws IllegalArgumentException naming a setting that does not exist or a value that is not
   *     allowed
   */
  public JobSettings with(JsonNode overrides) {
    if (overrides == null || !overrides.isObject()) {
      throw new IllegalArgumentException("must be a JSON object of settings");
    }
    ObjectNode merged = JSON.valueToTree(this);
    Iterator<String> names = overrides.fieldNames();
    while (names.hasNext()) {
      String name = names.next();
      if (!merged.has(name)) {
        throw new IllegalArgumentException(
            "unknown setting '"
                + name
                + "' (known: "
                + String.join(", ", fieldNames(merged))
                + ")");
      }
      merged.set(name, overrides.get(name));
    }
    try {
      return JSON.treeToValue(merged, JobSettings.class);
    } catch (JsonProcessingException e) {
      if (e.getCause() instanceof IllegalArgumentException invalid) {
        throw new IllegalArgumentException(invalid.getMessage(), e);
      }
      String setting =
          e instanceof com.fasterxml.jackson.databind.JsonMappingException mapping
                  && !mapping.getPath().isEmpty()
              ? "'" + mapping.getPath().get(0).getFieldName() + "' "
              : "";
      throw new IllegalArgumentException(
          "setting " + setting + "has a value of the wrong type: " + e.getOriginalMessage(), e);
    }
  }

  /**
   * These settings under a job record's (by the same names): a record written before a setting
   * existed lacks it and takes this one's value.
   */
  public JobSettings with(Map<String, Object> recorded) {
    return with((JsonNode) JSON.valueToTree(recorded));
  }

  /** By setting name, as a job record keeps them. */
  public Map<String, Object> asMap() {
    return JSON.convertValue(this, new TypeReference<LinkedHashMap<String, Object>>() {});
  }

  /**
   * These settings with what an API fine-tuning job asked for where it asked (epochs, batch size,
   * seed, learning-rate multiplier); its model is what the job starts from, not a setting.
   *
   * @param fineTuning null for a job without one: these settings
   */
  public JobSettings withFineTuning(FineTuning fineTuning) {
    if (fineTuning == null) {
      return this;
    }
    ObjectNode asked = JSON.createObjectNode();
    if (fineTuning.epochs() != null) {
      asked.put("epochs", fineTuning.epochs());
    }
    if (fineTuning.batchSize() != null) {
      asked.put("batchSize", fineTuning.batchSize());
    }
    if (fineTuning.seed() != null) {
      asked.put("seed", fineTuning.seed());
    }
    if (fineTuning.learningRateMultiplier() != null) {
      asked.put("learningRateMultiplier", fineTuning.learningRateMultiplier());
    }
    return with(asked);
  }

  /** These settings with the auto values settled (what the job trains with and its card shows). */
  public JobSettings settled(Recipe method, int epochCount, double rate, int validateEvery) {
    return new JobSettings(
        baseModel,
        method,
        epochCount,
        maxSteps,
        rate,
        learningRateMultiplier,
        batchSize,
        gradientAccumulation,
        contextLength,
        packing,
        dropout,
        warmupRatio,
        weightDecay,
        clipNorm,
        validateEvery,
        patience,
        loraRank,
        loraAlpha,
        loraDropout,
        loraTargets,
        loraFromParameters,
        checkpointEvery,
        replayRatio,
        seed,
        minStepsFromScratch);
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  public static JobSettings of(TrainConfig config) {
    return new JobSettings(
        config.baseModel(),
        config.recipe(),
        config.epochs(),
        config.maxSteps(),
        config.learningRate(),
        config.learningRateMultiplier(),
        config.batchSize(),
        config.gradientAccumulation(),
        config.contextLength(),
        config.packing(),
        config.dropout(),
        config.warmupRatio(),
        config.weightDecay(),
        config.clipNorm(),
        config.evalEvery(),
        config.patience(),
        config.lora().rank(),
        config.lora().alpha(),
        config.lora().dropout(),
        config.lora().targets(),
        config.lora().fromParameters(),
        config.checkpointEvery(),
        config.replayRatio(),
        config.seed(),
        config.minStepsFromScratch());
  }
}
