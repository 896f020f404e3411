package dev.cft.datasets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cft.datasets.DatasetBuilder.Built;
import dev.cft.datasets.DatasetBuilder.Earlier;
import dev.cft.datasets.DatasetBuilder.Entry;
import dev.cft.datasets.DatasetBuilder.Split;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class DatasetBuilderTest {
  static Sample qa(int i, String answer) {
    return new Sample.Completion("question " + i, answer);
  }

  static List<Sample> many(int n) {
    return IntStream.range(0, n).mapToObj(i -> qa(i, "answer " + i)).map(s -> (Sample) s).toList();
  }

  static Earlier earlierOf(Built built) {
    Set<String> content = new HashSet<>();
    Map<String, Split> inputs = new HashMap<>();
    Stream.concat(built.train().stream(), built.val().stream())
        .forEach(
            e -> {
              content.add(e.contentHash());
              inputs.put(e.inputHash(), e.split());
            });
    return new Earlier(content, inputs);
  }

  @Test
  void dropsExactDuplicatesWithinTheFileAndSplitsAboutTheFraction() {
    List<Sample> samples = new ArrayList<>(many(2000));
    samples.add(qa(5, "answer 5"));
    Built built = DatasetBuilder.build(samples, Earlier.none(), 0.1);
    assertEquals(1, built.duplicatesInFile());
    assertEquals(2000, built.train().size() + built.val().size());
    assertTrue(built.val().size() > 150 && built.val().size() < 250, "val " + built.val().size());
    assertEquals(0, built.inputsInBothSplits());
  }

  @Test
  void theSameInputAlwaysLandsInTheSameSplitAndEarlierVersionsWin() {
    Built first = DatasetBuilder.build(many(500), Earlier.none(), 0.1);
    // The same questions with new answers, split with another fraction: each keeps its old split.
    List<Sample> reanswered =
        IntStream.range(0, 500).mapToObj(i -> (Sample) qa(i, "better answer " + i)).toList();
    Built second = DatasetBuilder.build(reanswered, earlierOf(first), 0.5);
    Map<String, Split> before = earlierOf(first).inputSplits();
    for (Entry e : second.train()) {
      assertEquals(before.get(e.inputHash()), Split.TRAIN);
    }
    for (Entry e : second.val()) {
      assertEquals(before.get(e.inputHash()), Split.VAL);
    }
    assertEquals(first.val().size(), second.val().size());
    assertEquals(0, second.inputsInBothSplits());
  }

  @Test
  void contentOfEarlierVersionsIsNotAddedAgain() {
    Built first = DatasetBuilder.build(many(50), Earlier.none(), 0.1);
    List<Sample> again = new ArrayList<>(many(50));
    again.add(qa(1000, "new"));
    Built second = DatasetBuilder.build(again, earlierOf(first), 0.1);
    assertEquals(50, second.duplicatesOfEarlier());
    assertEquals(1, second.train().size() + second.val().size());
    assertTrue(DatasetBuilder.build(many(50), earlierOf(first), 0.1).isEmpty());
  }

  @Test
  void aSmallFileStillGetsAValidationExample() {
    Built built = DatasetBuilder.build(many(3), Earlier.none(), 0.1);
    assertEquals(1, built.val().size());
    assertEquals(2, built.train().size());
    Built same = DatasetBuilder.build(many(3), Earlier.none(), 0.1);
    assertEquals(built.val().get(0).inputHash(), same.val().get(0).inputHash(), "deterministic");
  }

  @Test
  void theRuleIsAFunctionOfTheInputHashAlone() {
    String hash = Hashes.sha256("question 7");
    Split split = DatasetBuilder.ruleSplit(hash, 0.3);
    for (int i = 0; i < 3; i++) {
      assertEquals(split, DatasetBuilder.ruleSplit(hash, 0.3));
    }
    assertEquals(Split.TRAIN, DatasetBuilder.ruleSplit(hash, 0));
  }
}
