package dev.cft.lm.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.cft.lm.Gpt;
import dev.cft.lm.GptConfig;
import dev.cft.lm.data.Example;
import dev.cft.lm.eval.Evaluator;
import dev.cft.lm.generate.GenerationRequest;
import dev.cft.lm.generate.Generator;
import dev.cft.lm.tokenizer.ByteTokenizer;
import dev.cft.lm.tokenizer.TextTokenizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FineTunerTest {
  /** Small enough to train in seconds on two cores, big enough to learn the alphabet's order. */
  static final GptConfig CONFIG =
      new GptConfig(
          ByteTokenizer.VOCAB, 64, 64, 2, 4, null, 1e-5, 0, 0, 0, 0.02, 256, 256, "gelu_new");

  static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz";
  static NDManager root;
  static TextTokenizer tokenizer;

  @BeforeAll
  static void setUp() {
    root = NDManager.newBaseManager();
    tokenizer = new ByteTokenizer();
  }

  @AfterAll
  static void tearDown() {
    root.close();
  }

  /** Runs of the cycled alphabet: the next letter is always the one after the current. */
  static List<Example> alphabetRuns(int count, int offset) {
    List<Example> examples = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      StringBuilder run = new StringBuilder();
      int start = (i * 7 + offset) % 26;
      for (int j = 0; j < 24; j++) {
        run.append(ALPHABET.charAt((start + j) % 26));
      }
      examples.add(Example.text(run.toString()));
    }
    return examples;
  }

  @Test
  void aTinyModelLearnsTheAlphabetAndContinuesIt() {
    TrainingRequest request =
        TrainingRequest.builder(alphabetRuns(64, 0), 64)
            .validation(alphabetRuns(8, 3))
            .epochs(40)
            .batch(8, 1)
            .learningRate(3e-3, 0.05, 0.1)
            .seed(1)
            .build();
    try (Gpt model = Gpt.initialize(CONFIG, root, 1)) {
      double before = new Evaluator(model, tokenizer, 8).tokenMetrics(request.validation()).loss();
      TrainingResult result = new FineTuner(model, tokenizer).train(request);
      assertTrue(before > 2.5, "an untrained model is near uniform over 257 tokens: " + before);
      // A run's first letter, read after the EOS, is a guess among 26 (ln 26 / 25 tokens ≈ 0.13
      // of the mean); the other letters follow from it.
      assertTrue(
          result.bestValidationLoss() < 0.45,
          "validation loss should fall below 0.45, was " + result.bestValidationLoss());
      String continuation =
          new Generator(model, tokenizer).generate(GenerationRequest.greedy("mnop", 6)).text();
      assertEquals("qrstuv", continuation);
    }
  }

  @Test
  void resumingAtStepKGivesTheSameLossesAsTheUninterruptedRun(@TempDir Path dir) {
    TrainingRequest.Builder base =
        TrainingRequest.builder(alphabetRuns(24, 5), 32)
            .epochs(10)
            .maxSteps(10)
            .batch(4, 2)
            .learningRate(1e-3, 0.2, 0.1)
            .regularization(0.01, 1.0, 0.1) // dropout on: its masks must replay too
            .seed(9);
    TrainingResult whole;
    try (Gpt model = Gpt.initialize(CONFIG, root, 2)) {
      whole = new FineTuner(model, tokenizer).train(base.checkpoints(5, dir.resolve("a")).build());
    }
    TrainingResult resumed;
    try (Gpt model = Gpt.initialize(CONFIG, root, 77)) { // other weights: the checkpoint must win
      resumed =
          new FineTuner(model, tokenizer)
              .train(
                  base.checkpoints(5, dir.resolve("b"))
                      .resumeFrom(dir.resolve("a/step-5"))
                      .build());
    }
    assertEquals(10, whole.losses().size());
    assertEquals(5, resumed.resumedFromStep());
    assertEquals(whole.losses().subList(5, 10), resumed.losses());
  }

  /**
   * A stop request after step 7 (not a checkpoint step) checkpoints step 7 and ends the run; the
   * run resumed from it takes the steps the uninterrupted run took.
   */
  @Test
  void aStopRequestCheckpointsTheCurrentStepAndTheResumedRunContinuesExactly(@TempDir Path dir) {
    TrainingRequest.Builder base =
        TrainingRequest.builder(alphabetRuns(24, 5), 32)
            .epochs(10)
            .maxSteps(10)
            .batch(4, 1)
            .learningRate(1e-3, 0.2, 0.1)
            .regularization(0.01, 1.0, 0.1)
            .seed(4);
    TrainingResult whole;
    try (Gpt model = Gpt.initialize(CONFIG, root, 3)) {
      whole = new FineTuner(model, tokenizer).train(base.checkpoints(5, dir.resolve("a")).build());
    }
    List<Long> checkpoints = new ArrayList<>();
    TrainingStopped stopped;
    try (Gpt model = Gpt.initialize(CONFIG, root, 3)) {
      TrainingListener stopAfter7 =
          new TrainingListener() {
            long last;

            @Override
            public void onStep(Step step) {
              last = step.step();
            }

            @Override
            public void onCheckpoint(long step, Path checkpoint) {
              checkpoints.add(step);
            }

            @Override
            public boolean stopRequested() {
              return last == 7;
            }
          };
      stopped =
          assertThrows(
              TrainingStopped.class,
              () ->
                  new FineTuner(model, tokenizer)
                      .train(base.checkpoints(5, dir.resolve("b")).build(), stopAfter7));
    }
    assertEquals(7, stopped.step());
    assertEquals(List.of(5L, 7L), checkpoints);
    TrainingResult resumed;
    try (Gpt model = Gpt.initialize(CONFIG, root, 77)) {
      resumed =
          new FineTuner(model, tokenizer)
              .train(
                  base.checkpoints(5, dir.resolve("c"))
                      .resumeFrom(dir.resolve("b/step-7"))
                      .build());
    }
    assertEquals(7, resumed.resumedFromStep());
    assertEquals(whole.losses().subList(7, 10), resumed.losses());
  }

  /** Reverse alphabet runs: the opposite of what the training data teaches. */
  static List<Example> reversedRuns(int count) {
    List<Example> examples = new ArrayList<>();
    for (Example run : alphabetRuns(count, 11)) {
      examples.add(Example.text(new StringBuilder(run.reference()).reverse().toString()));
    }
    return examples;
  }

  @Test
  void validationThatOnlyWorsensStopsTheRunEarlyAndKeepsTheBestWeights() {
    TrainingRequest request =
        TrainingRequest.builder(alphabetRuns(32, 0), 32)
            .validation(reversedRuns(8))
            .epochs(50)
            .batch(8, 1)
            .learningRate(3e-3, 0, 1)
            .validateEvery(2, 3)
            .seed(2)
            .build();
    try (Gpt model = Gpt.initialize(CONFIG, root, 6)) {
      TrainingResult result = new FineTuner(model, tokenizer).train(request);
      assertTrue(result.stoppedEarly(), "the run should stop on patience");
      assertTrue(result.steps() < result.totalSteps());
      assertTrue(result.bestStep() < result.steps());
      double now = new Evaluator(model, tokenizer, 8).tokenMetrics(request.validation()).loss();
      assertEquals(result.bestValidationLoss(), now, 1e-5, "the best weights are restored");
    }
  }

  @Test
  void exactMatchCountsAnswersThatEqualTheReference() {
    List<Example> pairs = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      pairs.add(
          Example.completion(ALPHABET.charAt(i) + "->", String.valueOf(ALPHABET.charAt(i + 1))));
    }
    TrainingRequest request =
        TrainingRequest.builder(pairs, 16)
            .epochs(150)
            .batch(4, 1)
            .learningRate(3e-3, 0.05, 0.1)
            .seed(4)
            .build();
    try (Gpt model = Gpt.initialize(CONFIG, root, 8)) {
      Evaluator evaluator = new Evaluator(model, tokenizer, 8);
      assertEquals(0.0, evaluator.withExactMatch(pairs, 4).exactMatch(), 0.0);
      new FineTuner(model, tokenizer).train(request);
      double exact = evaluator.withExactMatch(pairs, 4).exactMatch();
      assertTrue(exact >= 0.9, "exact match after training was " + exact);
    }
  }

  @Test
  void theBestWeightsSurviveAResume(@TempDir Path dir) {
    TrainingRequest.Builder run =
        TrainingRequest.builder(alphabetRuns(32, 0), 32)
            .validation(reversedRuns(8))
            .epochs(50)
            .batch(8, 1)
            .learningRate(3e-3, 0, 1)
            .validateEvery(2, 3)
            .seed(2);
    TrainingResult whole;
    try (Gpt model = Gpt.initialize(CONFIG, root, 6)) {
      whole = new FineTuner(model, tokenizer).train(run.checkpoints(2, dir.resolve("a")).build());
    }
    assertTrue(whole.stoppedEarly() && whole.bestStep() < whole.steps() - 2, whole.toString());
    long resumeAt =
        whole.steps() - 2; // after the best step: the checkpoint must carry the best weights
    try (Gpt model = Gpt.initialize(CONFIG, root, 6)) {
      TrainingResult resumed =
          new FineTuner(model, tokenizer)
              .train(
                  run.checkpoints(2, dir.resolve("b"))
                      .resumeFrom(dir.resolve("a/step-" + resumeAt))
                      .build());
      assertEquals(whole.bestStep(), resumed.bestStep());
      double now = new Evaluator(model, tokenizer, 8).tokenMetrics(run.build().validation()).loss();
      assertEquals(
          whole.bestValidationLoss(), now, 1e-5, "the best weights are restored after a resume");
    }
  }

  /** The gradients of a run's first step: AdamW's first moment after it is (1 − β₁)·g. */
  static java.util.Map<String, float[]> firstStepGradients(int batch, int accumulation, Path dir)
      throws java.io.IOException {
    TrainingRequest request =
        TrainingRequest.builder(alphabetRuns(32, 1), 32)
            .epochs(1)
            .maxSteps(1)
            .batch(batch, accumulation)
            .learningRate(1e-3, 0, 1)
            .regularization(0.0, Double.POSITIVE_INFINITY, 0.0) // no clipping, no dropout
            .checkpoints(1, dir)
            .seed(5)
            .build();
    try (Gpt model = Gpt.initialize(CONFIG, root, 4)) {
      new FineTuner(model, tokenizer).train(request);
    }
    java.util.Map<String, float[]> gradients = new java.util.TreeMap<>();
    try (NDManager manager = root.newSubManager()) {
      dev.cft.lm.io.Checkpoint.readTensors(
              dir.resolve("step-1").resolve(FineTuner.STATE_TENSORS), manager)
          .forEach(
              (name, m) -> {
                if (name.startsWith("m.")) {
                  float[] g = m.toFloatArray();
                  for (int i = 0; i < g.length; i++) {
                    g[i] /= 0.1f;
                  }
                  gradients.put(name.substring(2), g);
                }
              });
    }
    return gradients;
  }

  @Test
  void accumulatingKMicroBatchesOfBGivesTheGradientsOfOneBatchOfKTimesB(@TempDir Path dir)
      throws java.io.IOException {
    java.util.Map<String, float[]> whole = firstStepGradients(8, 1, dir.resolve("whole"));
    java.util.Map<String, float[]> accumulated = firstStepGradients(2, 4, dir.resolve("acc"));
    java.util.Map<String, float[]> partial = firstStepGradients(2, 1, dir.resolve("partial"));
    assertEquals(whole.keySet(), accumulated.keySet());
    double largest = 0;
    double partialDifference = 0;
    for (String name : whole.keySet()) {
      float[] a = whole.get(name);
      float[] b = accumulated.get(name);
      float[] c = partial.get(name);
      for (int i = 0; i < a.length; i++) {
        largest = Math.max(largest, Math.abs(a[i]));
        assertEquals(a[i], b[i], 1e-5 + 1e-3 * Math.abs(a[i]), name + "[" + i + "]");
        partialDifference = Math.max(partialDifference, Math.abs(a[i] - c[i]));
      }
    }
    assertTrue(largest > 1e-3, "the gradients are not all zero: " + largest);
    assertTrue(
        partialDifference > 1e-3,
        "a quarter of the batch gives other gradients: the test can fail");
  }
}
