package dev.cft.runtime.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class PartitionOffsetsTest {
  private final PartitionOffsets offsets = new PartitionOffsets();

  @Test
  void commitsAfterTheLongestRunOfProcessedRecords() {
    offsets.received(10, 1);
    offsets.received(11, 2);
    offsets.received(12, 3);
    offsets.acknowledged(11, 4);
    assertEquals(OptionalLong.empty(), offsets.toCommit(), "10 is still being processed");
    assertEquals(10, offsets.oldestUnprocessed().getKey());
    assertEquals(2, offsets.unprocessed());
    offsets.acknowledged(10, 5);
    assertEquals(OptionalLong.of(12), offsets.toCommit());
    assertEquals(12, offsets.oldestUnprocessed().getKey());
    assertEquals(3, offsets.oldestUnprocessed().getValue(), "when 12 arrived");
  }

  @Test
  void aFailedCommitIsOfferedAgainUntilOneSucceeds() {
    offsets.received(0, 1);
    offsets.acknowledged(0, 2);
    assertEquals(OptionalLong.of(1), offsets.toCommit());
    // The commit failed: nothing is marked committed, so the next flush offers it again.
    assertEquals(OptionalLong.of(1), offsets.toCommit());
    offsets.committed(1);
    assertEquals(OptionalLong.empty(), offsets.toCommit());
  }

  @Test
  void aRecordAcknowledgedWithoutBeingReceivedMovesTheOffsetOn() {
    // SmallRye dead-letters an unreadable record before the strategy sees it.
    offsets.received(4, 1);
    offsets.acknowledged(4, 2);
    offsets.committed(5);
    offsets.acknowledged(5, 3);
    assertEquals(OptionalLong.of(6), offsets.toCommit(), "the poison record was the last one");
    assertNull(offsets.oldestUnprocessed());
    assertEquals(0, offsets.unprocessed());
  }

  @Test
  void anUnreceivedAcknowledgementWaitsForEarlierRecords() {
    offsets.received(7, 1);
    offsets.acknowledged(8, 2);
    assertEquals(OptionalLong.empty(), offsets.toCommit());
    offsets.acknowledged(7, 3);
    assertEquals(OptionalLong.of(9), offsets.toCommit());
  }

  @Test
  void recordsAlreadyCoveredAreIgnored() {
    offsets.received(3, 1);
    offsets.acknowledged(3, 2);
    offsets.committed(4);
    offsets.received(2, 3); // redelivered after a rebalance
    offsets.acknowledged(2, 4);
    assertEquals(OptionalLong.empty(), offsets.toCommit());
    assertEquals(0, offsets.unprocessed());
  }
}
