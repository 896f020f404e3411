package dev.cft.train.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cft.lm.GptConfig;
import dev.cft.lm.Lora;
import dev.cft.lm.data.Example;
import dev.cft.lm.tokenizer.ByteTokenizer;
import dev.cft.train.storage.JobSettings;
import dev.cft.train.storage.Recipe;
import dev.cft.train.storage.TrainConfigs;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class TrainingRecipeTest {
  static final ByteTokenizer BYTES = new ByteTokenizer();
  static final GptConfig TINY = GptConfig.tiny(ByteTokenizer.VOCAB);
  static final GptConfig GPT2 = GptConfig.gpt2();
  static final ObjectMapper JSON = new ObjectMapper();

  /** The service's defaults, as its configuration gives them. */
  static JobSettings defaults() {
    return JobSettings.of(TrainConfigs.defaults());
  }

  static JobSettings settings(String json) throws Exception {
    return defaults().with(JSON.readTree(json));
  }

  static List<Example> examples(int n) {
    // 62 bytes of text + 1 end-of-text each: 320 examples fill 158 rows of 128 tokens.
    return IntStream.range(0, n)
        .mapToObj(i -> Example.completion("q".repeat(31), "a".repeat(31)))
        .toList();
  }

  static JobSettings settle(JobSettings requested, GptConfig base, boolean scratch, int examples) {
    return TrainingRecipe.settle(requested, base, scratch, BYTES, examples(examples));
  }

  @Test
  void openAisRuleScalesEpochsWithTheDatasetSize() {
    assertEquals(25, TrainingRecipe.autoEpochs(3));
    assertEquals(4, TrainingRecipe.autoEpochs(30));
    assertEquals(3, TrainingRecipe.autoEpochs(1000));
    assertEquals(2, TrainingRecipe.autoEpochs(10_000));
  }

  @Test
  void fromScratchTrainsAtLeastTheMinimumStepsAndFromACheckpointByTheRule() throws Exception {
    JobSettings auto = settings("{\"batchSize\": 16, \"minStepsFromScratch\": 300}");
    // 320 examples → 158 rows → 10 steps an epoch: 300 steps need 30 epochs.
    assertEquals(30, settle(auto, TINY, true, 320).epochs());
    assertEquals(3, settle(auto, TINY, false, 320).epochs());
    assertEquals(3, settle(settings("{\"minStepsFromScratch\": 0}"), TINY, true, 320).epochs());
    assertEquals(7, settle(settings("{\"epochs\": 7}"), TINY, true, 320).epochs(), "set wins");
    // Accumulating 2 micro-batches halves the steps of an epoch: twice the epochs.
    assertEquals(
        60,
        settle(
                settings(
                    "{\"gradientAccumulation\": 2, \"batchSize\": 16, \"minStepsFromScratch\": 300}"),
                TINY,
                true,
                320)
            .epochs());
  }

  @Test
  void theAutoRecipeTrainsLoraOnLargeBasesAndEveryWeightOnSmallOnes() throws Exception {
    JobSettings auto = defaults();
    assertEquals(Recipe.AUTO, auto.recipe());
    JobSettings large = settle(auto, GPT2, false, 40);
    assertEquals(Recipe.LORA, large.recipe(), "124 M parameters");
    assertEquals(TrainingRecipe.LORA_LEARNING_RATE, large.learningRate());
    Lora.Config lora = TrainingRecipe.lora(large);
    assertEquals(8, lora.rank());
    assertEquals(List.of("attn.c_attn", "attn.c_proj", "mlp.c_fc", "mlp.c_proj"), lora.targets());

    JobSettings small = settle(auto, TINY, false, 40);
    assertEquals(Recipe.FULL, small.recipe());
    assertEquals(TrainingRecipe.FULL_FINE_TUNING_LEARNING_RATE, small.learningRate());
    assertNull(TrainingRecipe.lora(small));
    assertEquals(TrainingRecipe.SCRATCH_LEARNING_RATE, settle(auto, TINY, true, 40).learningRate());

    JobSettings chosen =
        settings(
            "{\"recipe\": \"lora\", \"learningRate\": 2e-4, \"loraRank\": 4,"
                + " \"loraTargets\": [\"attn.c_attn\"]}");
    JobSettings settled = settle(chosen, TINY, false, 40);
    assertEquals(Recipe.LORA, settled.recipe(), "a set recipe wins over the size rule");
    assertEquals(2e-4, settled.learningRate());
    assertEquals(List.of("attn.c_attn"), TrainingRecipe.lora(settled).targets());
    assertEquals(
        Recipe.FULL,
        settle(settings("{\"loraFromParameters\": 200000000}"), GPT2, false, 40).recipe());
  }

  @Test
  void theLearningRateMultiplierScalesTheRateTheJobWouldUseSetOrAuto() throws Exception {
    JobSettings half = settings("{\"learningRateMultiplier\": 0.5}");
    JobSettings fromScratch = settle(half, TINY, true, 40);
    assertEquals(5e-4, fromScratch.learningRate(), 1e-12, "auto from scratch 1e-3 × 0.5");
    assertEquals(0.5, fromScratch.learningRateMultiplier(), "the card shows the multiplier");
    assertEquals(1.5e-4, settle(half, TINY, false, 40).learningRate(), 1e-12, "3e-4 × 0.5");
    assertEquals(2.5e-4, settle(half, GPT2, false, 40).learningRate(), 1e-12, "LoRA 5e-4 × 0.5");
    JobSettings set = settings("{\"learningRate\": 2e-4, \"learningRateMultiplier\": 3}");
    assertEquals(6e-4, settle(set, TINY, false, 40).learningRate(), 1e-12, "set 2e-4 × 3");
    assertEquals(
        settle(set, TINY, false, 40), settle(set, TINY, false, 40), "a resumed job: the same");
    assertEquals(1.0, defaults().learningRateMultiplier(), "the default leaves the rate");
    assertEquals(3e-4, settle(defaults(), TINY, false, 40).learningRate());
    IllegalArgumentException tooHigh =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                settle(
                    settings("{\"learningRate\": 0.5, \"learningRateMultiplier\": 4}"),
                    TINY,
                    false,
                    40));
    assertTrue(tooHigh.getMessage().contains("below 1, not 2.0"), tooHigh.getMessage());
  }

  @Test
  void loraOnAModelTrainedFromScratchIsRefused() throws Exception {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> settle(settings("{\"recipe\": \"lora\"}"), TINY, true, 40));
    assertTrue(e.getMessage().contains("pretrained base"), e.getMessage());
  }

  @Test
  void autoValidationRunsTwentyTimesOverTheRunAndASetIntervalWins() throws Exception {
    // 40 examples → 20 rows → 2 steps an epoch (batch 16), 3 epochs by the rule: 6 steps.
    assertEquals(1, settle(defaults(), TINY, false, 40).evalEvery());
    // 320 examples → 10 steps an epoch, 30 epochs from scratch: 300 steps, every 15.
    assertEquals(
        15, settle(settings("{\"minStepsFromScratch\": 300}"), TINY, true, 320).evalEvery());
    assertEquals(7, settle(settings("{\"evalEvery\": 7}"), TINY, true, 320).evalEvery());
  }

  @Test
  void everyTrainingControlReachesTheRequest() throws Exception {
    JobSettings settled =
        settle(
            settings(
                "{\"batchSize\": 4, \"gradientAccumulation\": 3, \"warmupRatio\": 0.2,"
                    + " \"weightDecay\": 0.05, \"clipNorm\": 0.5, \"dropout\": 0.2,"
                    + " \"patience\": 2, \"evalEvery\": 9, \"packing\": \"block-diagonal\","
                    + " \"learningRate\": 1e-4, \"epochs\": 2, \"maxSteps\": 11}"),
            TINY,
            false,
            40);
    var request =
        TrainingRecipe.request(settled, examples(40), examples(4), Path.of("checkpoints"), null);
    assertEquals(4, request.batchSize());
    assertEquals(3, request.gradientAccumulation());
    assertEquals(0.2, request.warmupRatio());
    assertEquals(0.05, request.weightDecay());
    assertEquals(0.5, request.maxGradNorm());
    assertEquals(0.2, request.dropout());
    assertEquals(2, request.patience());
    assertEquals(9, request.evalEvery());
    assertEquals(dev.cft.lm.data.Packing.BLOCK_DIAGONAL, request.packing());
    assertEquals(1e-4, request.learningRate());
    assertEquals(2, request.epochs());
    assertEquals(11, request.maxSteps());
    assertEquals(
        Double.POSITIVE_INFINITY,
        TrainingRecipe.request(
                settle(settings("{\"clipNorm\": 0}"), TINY, false, 40),
                examples(40),
                List.of(),
                Path.of("checkpoints"),
                null)
            .maxGradNorm(),
        "clipNorm 0: no clipping");
  }

  @Test
  void aBadValueIsRefusedNamingTheSetting() {
    for (String[] bad :
        new String[][] {
          {"{\"packing\": \"zigzag\"}", "packing 'zigzag' is not known"},
          {"{\"recipe\": \"qlora\"}", "recipe 'qlora' is not known"},
          {"{\"batchSize\": 0}", "batchSize must be ≥ 1"},
          {"{\"learningRateMultiplier\": 0}", "learningRateMultiplier must be > 0"},
          {"{\"loraTargets\": [\"attn.q\"]}", "LoRA target 'attn.q' is not known"},
          {
            "{\"gradientAccumulation\": \"two\"}",
            "setting 'gradientAccumulation' has a value of the wrong type"
          },
        }) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> settings(bad[0]), bad[0]);
      assertTrue(e.getMessage().contains(bad[1]), bad[0] + " → " + e.getMessage());
    }
  }

  @Test
  void replayAddsTheAskedShareOfEarlierExamples() {
    List<Example> fresh = examples(40);
    List<Example> earlier =
        IntStream.range(0, 100).mapToObj(i -> Example.text("earlier " + i)).toList();
    TrainingData data = TrainingData.withReplay(fresh, earlier, 0.25, 7);
    assertEquals(10, data.replayed());
    assertEquals(50, data.examples().size());
    assertEquals(
        10, data.examples().stream().filter(e -> e.reference().startsWith("earlier")).count());
    assertEquals(
        data.examples(), TrainingData.withReplay(fresh, earlier, 0.25, 7).examples(), "seeded");
    assertEquals(3, TrainingData.withReplay(fresh, earlier.subList(0, 3), 0.25, 7).replayed());
  }
}
