package dev.cft.stack.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cft.events.EvaluationCompleted;
import dev.cft.events.EventJson;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The benches' pure pieces: peak memory, quantiles, the swap's verdict, npm's integrity hash. */
class BenchPiecesTest {
  @Test
  void peakRssIsVmHwmInBytes() {
    assertEquals(
        4_335L << 20,
        PeakRss.vmHwm(
            List.of("Name:\tjava", "VmPeak:\t 9999999 kB", "VmHWM:\t 4439040 kB", "VmRSS: 1 kB")));
    assertEquals(0L, PeakRss.vmHwm(List.of("Name:\tjava")));
  }

  @Test
  void quantilesOfSortedNanosecondsAreWholeMilliseconds() {
    List<Long> sorted = List.of(1_000_000L, 2_000_000L, 3_000_000L, 4_000_000L, 250_400_000L);
    assertEquals("3 ms", ServingLoad.ms(sorted, 0.50));
    assertEquals("250 ms", ServingLoad.ms(sorted, 0.99));
    assertEquals("1 ms", ServingLoad.ms(sorted, 0.01));
    assertEquals("-", ServingLoad.ms(List.of(), 0.5));
  }

  @Test
  void eachSwapIsAPassedVerdictForACopyOfV1() {
    EvaluationCompleted verdict = new ServingLoad("bench", 1, 1, 1).verdict("v1001");
    EvaluationCompleted read =
        EventJson.fromJson(EventJson.toJson(verdict), EvaluationCompleted.class);
    assertEquals(verdict, read);
    assertEquals("bench/versions/v1001/", read.modelPrefix());
    assertEquals("bench/versions/v1001/evaluation.json", read.evaluationKey());
    assertEquals("models", read.modelBucket());
    assertEquals(true, read.passed());
  }

  @Test
  void npmsIntegrityIsTheBase64OfTheSha512() throws Exception {
    assertEquals(
        "sha512-z4PhNX7vuL3xVChQ1m2AB9Yg5AULVxXcg/SpIdNs6c5H0NE8XYXysP+DGNKHfuwvY7kxvUdBeoGlODJ6+SfaPg==",
        Gpt2Base.integrity(new byte[0]));
    assertEquals(
        "sha512-MJ7MSJwS1utMxA9QyQLytNDtd+5RGnx6m808qG1M2G+YndNbxf9JlnDaNCVbRbDP2DDoH2Bdz33FVC6TrpzXbw==",
        Gpt2Base.integrity("hello world".getBytes(StandardCharsets.UTF_8)));
  }
}
