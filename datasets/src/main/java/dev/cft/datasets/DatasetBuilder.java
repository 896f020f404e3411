package dev.cft.datasets;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns a file's clean samples into the next version's train and val splits: exact duplicates are
 * dropped (within the file and against every earlier version of the domain), and each example goes
 * to the split its input's hash picks. The split is stable: the same input lands in the same split
 * in every version (earlier versions' choices win), so no question is trained on in one version and
 * evaluated on in another.
 */
public final class DatasetBuilder {
  /** Hash buckets of the split rule: val when {@code bucket < valFraction · BUCKETS}. */
  public static final int BUCKETS = 10_000;

  public static final String SPLIT_RULE =
      "sha256(input) first 8 bytes, unsigned, mod " + BUCKETS + " < valFraction * " + BUCKETS;

  public enum Split {
    TRAIN,
    VAL
  }

  /** What an earlier version holds: content hashes, and the split of each input hash. */
  public record Earlier(Set<String> contentHashes, Map<String, Split> inputSplits) {
    public static Earlier none() {
      return new Earlier(Set.of(), Map.of());
    }
  }

  /** One kept example with its hashes, as written to a version's index. */
  public record Entry(Sample sample, String contentHash, String inputHash, Split split) {}

  /**
   * @param duplicatesInFile examples dropped as exact copies of one earlier in the same file
   * @param duplicatesOfEarlier examples dropped because an earlier version already has them
   * @param inputsInBothSplits inputs found in both splits of this version or across versions: 0
   *     unless the rule was broken; checked, not assumed
   */
  public record Built(
      List<Entry> train,
      List<Entry> val,
      long duplicatesInFile,
      long duplicatesOfEarlier,
      long inputsInBothSplits) {
    public boolean isEmpty() {
      return train.isEmpty() && val.isEmpty();
    }
  }

  private DatasetBuilder() {}

  public static Built build(List<Sample> samples, Earlier earlier, double valFraction) {
    if (!(valFraction >= 0 && valFraction < 1)) {
      throw new IllegalArgumentException("valFraction must be in [0, 1), got " + valFraction);
    }
    Set<String> seen = new HashSet<>();
    long inFile = 0;
    long ofEarlier = 0;
    Map<String, Split> inputSplits = new LinkedHashMap<>(earlier.inputSplits());
    List<Entry> kept = new ArrayList<>();
    for (Sample sample : samples) {
      String content = Hashes.sha256(sample.toJsonLine());
      if (earlier.contentHashes().contains(content)) {
        ofEarlier++;
        continue;
      }
      if (!seen.add(content)) {
        inFile++;
        continue;
      }
      String input = Hashes.sha256(sample.input());
      Split split = inputSplits.computeIfAbsent(input, h -> ruleSplit(h, valFraction));
      kept.add(new Entry(sample, content, input, split));
    }
    ensureValidation(kept, earlier, valFraction, inputSplits);
    List<Entry> train = kept.stream().filter(e -> e.split() == Split.TRAIN).toList();
    List<Entry> val = kept.stream().filter(e -> e.split() == Split.VAL).toList();
    return new Built(train, val, inFile, ofEarlier, crossings(kept, earlier));
  }

  /** The split the hash rule gives an input never seen before. */
  public static Split ruleSplit(String inputHash, double valFraction) {
    return bucket(inputHash) < valFraction * BUCKETS ? Split.VAL : Split.TRAIN;
  }

  private static long bucket(String inputHash) {
    return Long.remainderUnsigned(Long.parseUnsignedLong(inputHash.substring(0, 16), 16), BUCKETS);
  }

  /**
   * A small file may hash nothing into val, and a version without val cannot be judged: the new
   * input with the lowest bucket goes to val instead (an input no version has placed yet, so
   * nothing moves).
   */
  private static void ensureValidation(
      List<Entry> kept, Earlier earlier, double valFraction, Map<String, Split> inputSplits) {
    if (valFraction == 0
        || kept.size() < 2
        || kept.stream().anyMatch(e -> e.split() == Split.VAL)) {
      return;
    }
    kept.stream()
        .map(Entry::inputHash)
        .filter(h -> !earlier.inputSplits().containsKey(h))
        .min(Comparator.comparingLong(DatasetBuilder::bucket))
        .ifPresent(
            moved -> {
              inputSplits.put(moved, Split.VAL);
              kept.replaceAll(
                  e ->
                      e.inputHash().equals(moved)
                          ? new Entry(e.sample(), e.contentHash(), e.inputHash(), Split.VAL)
                          : e);
            });
    // Every example of that input must follow it, or the input would sit in both splits.
    if (kept.stream().filter(e -> e.split() == Split.TRAIN).count() == 0) {
      // All examples share one input: keep them for training rather than judge on them alone.
      kept.replaceAll(e -> new Entry(e.sample(), e.contentHash(), e.inputHash(), Split.TRAIN));
    }
  }

  private static long crossings(List<Entry> kept, Earlier earlier) {
    Map<String, Set<Split>> splits = new LinkedHashMap<>();
    earlier.inputSplits().forEach((h, s) -> splits.computeIfAbsent(h, k -> new HashSet<>()).add(s));
    kept.forEach(e -> splits.computeIfAbsent(e.inputHash(), k -> new HashSet<>()).add(e.split()));
    return splits.values().stream().filter(s -> s.size() > 1).count();
  }
}
