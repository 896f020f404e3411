package dev.cft.lm.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import dev.cft.lm.Gpt;
import dev.cft.lm.GptConfig;
import dev.cft.lm.tokenizer.ByteTokenizer;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class GeneratorTest {
  static final GptConfig CONFIG =
      new GptConfig(
          ByteTokenizer.VOCAB, 96, 32, 2, 4, null, 1e-5, 0, 0, 0, 0.5, 256, 256, "gelu_new");
  static NDManager root;
  static Gpt model;
  static Generator generator;

  @BeforeAll
  static void setUp() {
    root = NDManager.newBaseManager();
    // A wide init makes a random model's output far from uniform, so sampling choices matter.
    model = Gpt.initialize(CONFIG, root, 3);
    generator = new Generator(model, new ByteTokenizer());
  }

  @AfterAll
  static void tearDown() {
    model.close();
    root.close();
  }

  static GenerationRequest sampling(String prompt, int max, long seed) {
    return new GenerationRequest(prompt, max, 0.9, 40, 0.95, List.of(), seed, true);
  }

  @Test
  void kvCacheGenerationIsTokenIdenticalToFullRecomputation() {
    for (GenerationRequest request :
        List.of(GenerationRequest.greedy("hello", 40), sampling("the cat", 40, 5))) {
      GenerationResult cached = generator.generate(request);
      GenerationResult recomputed = generator.generate(request.withoutCache());
      assertArrayEquals(recomputed.tokens(), cached.tokens());
    }
  }

  @Test
  void decodingOnOneThreadLeavesTheCallersThreadSettingAsItWas() {
    int before = JniUtils.getNumThreads();
    generator.generate(GenerationRequest.greedy("abc", 10));
    assertEquals(before, JniUtils.getNumThreads());
  }

  @Test
  void sameSeedSameSampleOtherSeedOtherSample() {
    GenerationResult a = generator.generate(sampling("x", 30, 1));
    GenerationResult b = generator.generate(sampling("x", 30, 1));
    GenerationResult c = generator.generate(sampling("x", 30, 2));
    assertArrayEquals(a.tokens(), b.tokens());
    assertFalse(java.util.Arrays.equals(a.tokens(), c.tokens()));
  }

  @Test
  void streamedPiecesAddUpToTheText() {
    StringBuilder streamed = new StringBuilder();
    GenerationResult result = generator.generate(sampling("stream", 50, 4), streamed::append);
    assertEquals(result.text(), streamed.toString());
  }

  @Test
  void aStopStringEndsGenerationAndIsNotReturnedNorStreamed() {
    GenerationResult free = generator.generate(GenerationRequest.greedy("ab", 40));
    String stop = free.text().substring(10, 12); // something it will certainly produce
    StringBuilder streamed = new StringBuilder();
    GenerationResult stopped =
        generator.generate(
            GenerationRequest.greedy("ab", 40).withStop(List.of(stop)), streamed::append);
    assertEquals(free.text().substring(0, free.text().indexOf(stop)), stopped.text());
    assertEquals(stopped.text(), streamed.toString());
    assertEquals("stop", stopped.finishReason());
  }

  @Test
  void maxTokensAndContextEndGenerationWithLength() {
    GenerationResult result = generator.generate(GenerationRequest.greedy("q", 7));
    assertEquals("length", result.finishReason());
    assertEquals(7, result.tokens().length);
    GenerationResult atContext = generator.generate(GenerationRequest.greedy("x".repeat(90), 50));
    // The prompt is read after an EOS: 1 + 90 positions taken.
    assertEquals(CONFIG.nPositions() - 91, atContext.tokens().length);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> generator.generate(GenerationRequest.greedy("x".repeat(95), 5)));
    assertEquals(
        "prompt of 95 tokens leaves no room in the model's context of 96"
            + " (the text starts with an end-of-text token)",
        e.getMessage());
  }
}
