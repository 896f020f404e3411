package dev.cft.ingest.service;

import dev.cft.datasets.DatasetBuilder;
import dev.cft.datasets.DatasetBuilder.Built;
import dev.cft.datasets.DatasetBuilder.Earlier;
import dev.cft.datasets.DatasetBuilder.Entry;
import dev.cft.datasets.DatasetBuilder.Split;
import dev.cft.datasets.Hashes;
import dev.cft.datasets.Sample;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A version whose splits are given rather than hashed: an API job's training file is its train
 * split and its validation file its val split, as OpenAI uses them. Exact duplicates are dropped as
 * {@link DatasetBuilder} drops them: within the files (an example of both stays in train) and
 * against every earlier version. Inputs that thereby sit in both splits, in this version or across
 * versions, are counted, not moved: the job said where its examples go.
 */
public final class GivenSplits {
  public static final String RULE =
      "given: the job's training file is train, its validation file val";

  private GivenSplits() {}

  public static Built build(List<Sample> train, List<Sample> val, Earlier earlier) {
    Dropped dropped = new Dropped(earlier);
    List<Entry> trainKept = dropped.keep(train, Split.TRAIN);
    List<Entry> valKept = dropped.keep(val, Split.VAL);
    Map<String, Set<Split>> splits = new HashMap<>();
    earlier.inputSplits().forEach((h, s) -> splits.computeIfAbsent(h, k -> new HashSet<>()).add(s));
    for (List<Entry> kept : List.of(trainKept, valKept)) {
      kept.forEach(e -> splits.computeIfAbsent(e.inputHash(), k -> new HashSet<>()).add(e.split()));
    }
    long crossings = splits.values().stream().filter(s -> s.size() > 1).count();
    return new Built(trainKept, valKept, dropped.inFiles, dropped.ofEarlier, crossings);
  }

  /** The examples seen so far, and those dropped as copies. */
  private static final class Dropped {
    private final Earlier earlier;
    private final Set<String> seen = new HashSet<>();
    private long inFiles;
    private long ofEarlier;

    Dropped(Earlier earlier) {
      this.earlier = earlier;
    }

    List<Entry> keep(List<Sample> samples, Split split) {
      List<Entry> kept = new ArrayList<>();
      for (Sample sample : samples) {
        String content = Hashes.sha256(sample.toJsonLine());
        if (earlier.contentHashes().contains(content)) {
          ofEarlier++;
        } else if (!seen.add(content)) {
          inFiles++;
        } else {
          kept.add(new Entry(sample, content, Hashes.sha256(sample.input()), split));
        }
      }
      return kept;
    }
  }
}
