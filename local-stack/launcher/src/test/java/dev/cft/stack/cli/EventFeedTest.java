package dev.cft.stack.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.cft.events.EventJson;
import dev.cft.events.PipelineEvent;
import dev.cft.events.Topics;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventFeedTest {
  private final TestEvents chain = new TestEvents("c-1");

  @Test
  void aRecordReadsAsItsTopicsEvent() {
    List<PipelineEvent> sent =
        List.of(
            chain.dataset(1, "ingest/support/a.jsonl"),
            chain.rejected("ingest", "support/b.jsonl"),
            chain.job(dev.cft.events.TrainingJobEvent.State.RUNNING, "gpt2"),
            chain.progress("job-1", 3, 10, 1.5, null),
            chain.candidate("v1"),
            chain.verdict("v1", null, true, java.util.Map.of("val.loss", 0.5), null),
            chain.promoted("v1", null));
    List<String> topics =
        List.of(
            Topics.DATASETS_READY,
            Topics.INGEST_REJECTED,
            Topics.TRAINING_JOBS,
            Topics.TRAINING_PROGRESS,
            Topics.CANDIDATES_READY,
            Topics.EVALUATIONS_COMPLETED,
            Topics.MODELS_PROMOTED);
    for (int i = 0; i < sent.size(); i++) {
      assertEquals(sent.get(i), EventFeed.read(topics.get(i), EventJson.toJson(sent.get(i))));
    }
  }

  @Test
  void whatIsNotItsTopicsEventIsSkipped() {
    String progress = EventJson.toJson(chain.progress("job-1", 3, 10, 1.5, null));
    assertNull(EventFeed.read(Topics.CANDIDATES_READY, progress), "another topic's event");
    assertNull(EventFeed.read(Topics.INGEST_OBJECTS, progress), "a topic the feed does not read");
    assertNull(EventFeed.read(Topics.TRAINING_PROGRESS, "{not json"));
    assertNull(EventFeed.read(Topics.TRAINING_PROGRESS, null), "a tombstone");
  }

  @Test
  void theFeedReadsEveryTopicOfAChainAfterTheStoresNotification() {
    List<String> expected = new ArrayList<>(Topics.ALL);
    expected.remove(Topics.INGEST_OBJECTS);
    assertEquals(expected, List.copyOf(EventFeed.TYPES.keySet()));
  }
}
