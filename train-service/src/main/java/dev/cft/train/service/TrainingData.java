package dev.cft.train.service;

import dev.cft.lm.data.Example;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * What a job trains on: the new version's examples, then a seeded sample of earlier versions'
 * (replay, against forgetting what production knew).
 *
 * @param replayed how many of {@code examples} came from earlier versions
 */
public record TrainingData(List<Example> examples, int replayed) {
  public TrainingData {
    examples = List.copyOf(examples);
  }

  /**
   * @param earlier the earlier versions' training examples, oldest first
   * @param ratio replayed examples per new one (at most all earlier ones)
   */
  public static TrainingData withReplay(
      List<Example> fresh, List<Example> earlier, double ratio, long seed) {
    List<Example> pool = new ArrayList<>(earlier);
    Collections.shuffle(pool, new Random(seed));
    int replay = (int) Math.min(pool.size(), Math.round(fresh.size() * ratio));
    List<Example> all = new ArrayList<>(fresh);
    all.addAll(pool.subList(0, replay));
    return new TrainingData(all, replay);
  }
}
