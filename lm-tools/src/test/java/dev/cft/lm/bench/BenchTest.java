package dev.cft.lm.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BenchTest {
  @Test
  void aTinyBenchMeasuresEverythingAndDecodesTheFullLength() {
    List<String> log = new ArrayList<>();
    Bench.Result result;
    try (NDManager root = NDManager.newBaseManager()) {
      result = Bench.run(new Bench.Settings(32, 1, 4, 16, 2, 257, 0.1, 3, 1), root, log::add);
    }

    assertTrue(result.tokensPerSecond() > 0);
    assertTrue(result.matmulGflops() > 0);
    assertTrue(result.decodeTokensPerSecond() > 0);
    assertTrue(result.decodeTokensPerSecondNoCache() > 0);
    assertTrue(result.peakRssMb() > 50, "a JVM with libtorch: " + result.peakRssMb());
    // A model trained on noise must not end early: the timing is of all 256 tokens.
    assertEquals(Bench.DECODE_TOKENS, result.decodeTokens());
    assertEquals(Bench.PROMPT_TOKENS + Bench.DECODE_TOKENS, result.nPositions());
    assertEquals(
        6.0 * result.params() * result.tokensPerSecond() / (result.matmulGflops() * 1e9),
        result.mfu(),
        1e-12);
    assertEquals(result.params(), result.settings().config().parameterCount());
    assertTrue(log.get(0).startsWith("bench: "), log.toString());
  }

  @Test
  void theIdTokenizerRoundTripsIds() {
    IdTokenizer tokenizer = new IdTokenizer(1000, 999);

    assertArrayEquals(new int[] {17, 203, 5}, tokenizer.encode(" 17 203  5 "));
    assertEquals("17 203 5", tokenizer.decode(new int[] {17, 203, 5}));
    assertEquals(0, tokenizer.encode("").length);
  }
}
