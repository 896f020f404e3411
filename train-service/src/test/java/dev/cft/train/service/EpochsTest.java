package dev.cft.train.service;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cft.lm.data.Example;
import dev.cft.train.storage.JobSettings;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class EpochsTest {
  static JobSettings settings(int epochs, int minSteps) {
    return new JobSettings("tiny", epochs, 0, 3e-4, 16, 128, 0.1, 50, 0.25, 42, minSteps);
  }

  static List<Example> examples(int n) {
    // 63 bytes of text + 1 end-of-text each: two examples fill one 128-token sequence.
    return IntStream.range(0, n)
        .mapToObj(i -> Example.completion("q".repeat(31), "a".repeat(31)))
        .toList();
  }

  @Test
  void openAisRuleScalesEpochsWithTheDatasetSize() {
    assertEquals(25, JobRunner.autoEpochs(3));
    assertEquals(4, JobRunner.autoEpochs(30));
    assertEquals(3, JobRunner.autoEpochs(1000));
    assertEquals(2, JobRunner.autoEpochs(10_000));
  }

  @Test
  void fromScratchTrainsAtLeastTheMinimumStepsAndFromACheckpointByTheRule() {
    JobRunner.Start scratch = new JobRunner.Start("tiny", null, null);
    JobRunner.Start pretrained = new JobRunner.Start("models/base/gpt2/", Path.of("base"), null);
    // 320 examples → 160 sequences → 10 steps an epoch: 300 steps need 30 epochs.
    assertEquals(30, JobRunner.epochs(examples(320), settings(0, 300), scratch));
    assertEquals(3, JobRunner.epochs(examples(320), settings(0, 300), pretrained));
    assertEquals(3, JobRunner.epochs(examples(320), settings(0, 0), scratch));
    assertEquals(
        7, JobRunner.epochs(examples(320), settings(7, 300), scratch), "configured epochs win");
  }
}
