package dev.cft.ingest.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cft.datasets.DatasetBuilder;
import dev.cft.datasets.DatasetBuilder.Built;
import dev.cft.datasets.Hashes;
import dev.cft.datasets.Issue;
import dev.cft.datasets.SampleReader;
import dev.cft.events.FineTuning;
import dev.cft.events.FineTuningRequested;
import dev.cft.ingest.service.JobFiles.Checked;
import dev.cft.ingest.service.JobFiles.Role;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The pure parts of an API job's intake: names, keys and messages. */
class FineTuningIntakeTest {
  static final FineTuningRequested.File FILE =
      new FineTuningRequested.File("file-abc", "fine-tuning", "files/file-abc/train.jsonl");

  static Checked checked(Role role, String jsonl) throws Exception {
    SampleReader.Result result =
        new SampleReader(SampleReader.Limits.defaults())
            .read("x.jsonl", new ByteArrayInputStream(jsonl.getBytes(StandardCharsets.UTF_8)));
    return new Checked(
        role,
        FILE,
        jsonl.length(),
        new SampleFiles.Read(result, "sha"),
        result.issues(),
        result.issueCount(),
        null,
        true);
  }

  static String completions(int n) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < n; i++) {
      out.append("{\"prompt\":\"q").append(i).append("\",\"completion\":\"a\"}\n");
    }
    return out.toString();
  }

  static String chat() {
    return "{\"messages\":[{\"role\":\"user\",\"content\":\"q\"},"
        + "{\"role\":\"assistant\",\"content\":\"a\"}]}\n";
  }

  static Built built(int train, int val, long duplicatesOfEarlier) {
    List<DatasetBuilder.Entry> t =
        java.util.Collections.nCopies(
            train, new DatasetBuilder.Entry(null, "c", "i", DatasetBuilder.Split.TRAIN));
    List<DatasetBuilder.Entry> v =
        java.util.Collections.nCopies(
            val, new DatasetBuilder.Entry(null, "c", "i", DatasetBuilder.Split.VAL));
    return new Built(t, v, 0, duplicatesOfEarlier, 0);
  }

  @Test
  void nothingNewSaysHowManyExamplesOfWhichFileAreInWhichVersions() throws Exception {
    Checked training = checked(Role.TRAINING, completions(7));
    assertEquals(
        "all 7 examples of file-abc are already in legal v1..v3: nothing new to train on",
        FineTuningIntake.nothingNewMessage(
            "legal", training, built(0, 0, 7), new TreeSet<>(List.of(1, 2, 3)), false));
    assertEquals(
        "all 7 examples of file-abc are already in legal v2: nothing new to train on",
        FineTuningIntake.nothingNewMessage(
            "legal", training, built(0, 3, 7), new TreeSet<>(List.of(2)), true));
  }

  @Test
  void nothingNewSaysWhenTheHashSplitHeldOutEveryNewExample() throws Exception {
    Checked training = checked(Role.TRAINING, completions(3));
    assertEquals(
        "the 1 examples of file-abc that legal lacks all fall in the validation split (their"
            + " inputs are held out): nothing new to train on",
        FineTuningIntake.nothingNewMessage(
            "legal", training, built(0, 1, 2), new TreeSet<>(List.of(1)), false));
  }

  @Test
  void filesOfTwoKindsCannotMakeOneVersion() throws Exception {
    Checked chats = checked(Role.TRAINING, chat());
    Checked completions = checked(Role.VALIDATION, completions(2));
    assertEquals(
        "holds prompt/completion examples, the training file chat ones: a job's files must be of"
            + " one kind",
        FineTuningIntake.otherKind(chats, completions));
    assertNull(FineTuningIntake.otherKind(chats, checked(Role.VALIDATION, chat())));
    assertNull(
        FineTuningIntake.otherKind(chats, checked(Role.VALIDATION, "not json\n")),
        "an invalid file is reported for its own problems");
  }

  @Test
  void quarantineKeysAreDomainJobAndFileOrAHashOfThem() {
    assertEquals(
        "legal/ftjob-1/file-abc", FineTuningIntake.quarantineKey("legal", "ftjob-1", "file-abc"));
    assertEquals(
        "_unsafe-keys/" + Hashes.sha256("legal/../file-abc"),
        FineTuningIntake.quarantineKey("legal", "..", "file-abc"));
  }

  @Test
  void theLedgerEntryIsNamedAfterTheJobUnlessItsIdIsNoKeySegment() {
    assertEquals("ftjob-1", FineTuningIntake.ledgerId(request("ftjob-1")));
    assertEquals(Hashes.sha256("a/b"), FineTuningIntake.ledgerId(request("a/b")));
    assertEquals(Hashes.sha256(".."), FineTuningIntake.ledgerId(request("..")));
  }

  @Test
  void messagesNameTheFileTheyAreAbout() throws Exception {
    Issue named =
        JobFiles.named(
            JobFiles.name(Role.VALIDATION, FILE), new Issue(3L, "messages[0].role", "is bad"));
    assertEquals(new Issue(3L, "messages[0].role", "validation file file-abc: is bad"), named);
    Checked withProblem =
        checked(Role.TRAINING, chat())
            .with("is empty", dev.cft.ingest.metrics.IngestMetrics.Reason.EMPTY);
    assertEquals(1, withProblem.issueCount());
    assertEquals("training file file-abc: is empty", withProblem.issues().get(0).message());
    assertTrue(!withProblem.valid());
  }

  @Test
  void anUploadIsReadAsItsKeyNamesItElseAsJsonl() {
    assertEquals("files/f/data.csv", dev.cft.datasets.Format.readAs("files/f/data.csv"));
    assertEquals("files/f/data.jsonl.gz", dev.cft.datasets.Format.readAs("files/f/data.jsonl.gz"));
    assertEquals("_files/file-abc.jsonl", dev.cft.datasets.Format.readAs("_files/file-abc"));
  }

  static FineTuningRequested request(String job) {
    return new FineTuningRequested(
        "e",
        job,
        "legal",
        Instant.EPOCH,
        FILE,
        null,
        new FineTuning(job, null, null, null, null, null));
  }
}
