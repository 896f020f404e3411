package dev.cft.ingest.service;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cft.datasets.DatasetBuilder;
import dev.cft.datasets.DatasetBuilder.Built;
import dev.cft.datasets.DatasetBuilder.Earlier;
import dev.cft.datasets.DatasetBuilder.Entry;
import dev.cft.datasets.DatasetBuilder.Split;
import dev.cft.datasets.Hashes;
import dev.cft.datasets.Sample;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class GivenSplitsTest {
  static Sample qa(String question, String answer) {
    return new Sample.Completion(question, answer);
  }

  static List<Sample> samples(List<Entry> entries) {
    return entries.stream().map(Entry::sample).toList();
  }

  @Test
  void theTrainingFileIsTrainAndTheValidationFileValWhateverTheHashRuleSays() {
    List<Sample> train = List.of(qa("q1", "a"), qa("q2", "a"), qa("q3", "a"));
    List<Sample> val = List.of(qa("v1", "a"), qa("v2", "a"));

    Built built = GivenSplits.build(train, val, Earlier.none());

    assertEquals(train, samples(built.train()));
    assertEquals(val, samples(built.val()));
    built.train().forEach(e -> assertEquals(Split.TRAIN, e.split()));
    built.val().forEach(e -> assertEquals(Split.VAL, e.split()));
    assertEquals(Hashes.sha256(train.get(0).input()), built.train().get(0).inputHash());
    assertEquals(Hashes.sha256(train.get(0).toJsonLine()), built.train().get(0).contentHash());
    assertEquals(0, built.inputsInBothSplits());
  }

  @Test
  void copiesAreDroppedWithinAndAcrossTheFilesAndAgainstEarlierVersions() {
    Sample old = qa("old", "a");
    Earlier earlier =
        new Earlier(
            Set.of(Hashes.sha256(old.toJsonLine())),
            Map.of(Hashes.sha256(old.input()), Split.TRAIN));
    List<Sample> train = List.of(qa("q1", "a"), qa("q1", "a"), old, qa("both", "a"));
    List<Sample> val = List.of(qa("both", "a"), old, qa("v1", "a"));

    Built built = GivenSplits.build(train, val, earlier);

    assertEquals(List.of(qa("q1", "a"), qa("both", "a")), samples(built.train()));
    assertEquals(List.of(qa("v1", "a")), samples(built.val()), "an example of both stays in train");
    assertEquals(2, built.duplicatesInFile());
    assertEquals(2, built.duplicatesOfEarlier());
    assertEquals(0, built.inputsInBothSplits());
  }

  @Test
  void inputsInBothSplitsAreCountedNotMoved() {
    Sample heldOutBefore = qa("asked before", "new answer");
    Earlier earlier =
        new Earlier(Set.of(), Map.of(Hashes.sha256(heldOutBefore.input()), Split.VAL));
    List<Sample> train = List.of(heldOutBefore, qa("same question", "one answer"));
    List<Sample> val = List.of(qa("same question", "another answer"));

    Built built = GivenSplits.build(train, val, earlier);

    assertEquals(2, built.train().size());
    assertEquals(1, built.val().size());
    assertEquals(2, built.inputsInBothSplits(), "one across versions, one across the files");
  }

  @Test
  void theSplitRuleOfTheManifestSaysWhereExamplesCameFrom() {
    assertEquals(
        "given: the job's training file is train, its validation file val", GivenSplits.RULE);
    assertEquals(false, GivenSplits.RULE.equals(DatasetBuilder.SPLIT_RULE));
  }
}
