package dev.cft.runtime.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class PartitionOffsetsTest {
  private final PartitionOffsets offsets = new PartitionOffsets(-1);

  @Test
  void commitsAfterTheLongestRunOfProcessedRecords() {
    offsets.received(10, 1);
    offsets.received(11, 2);
    offsets.received(12, 3);
    offsets.acknowledged(11, 4, false);
    assertEquals(OptionalLong.empty(), offsets.toCommit(), "10 is still being processed");
    assertEquals(10, offsets.oldestUnprocessed().getKey());
    assertEquals(2, offsets.unprocessed());
    offsets.acknowledged(10, 5, false);
    assertEquals(OptionalLong.of(12), offsets.toCommit());
    assertEquals(12, offsets.oldestUnprocessed().getKey());
    assertEquals(3, offsets.oldestUnprocessed().getValue(), "when 12 arrived");
  }

  @Test
  void aFailedCommitIsOfferedAgainUntilOneSucceeds() {
    offsets.received(0, 1);
    offsets.acknowledged(0, 2, false);
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
    offsets.acknowledged(4, 2, false);
    offsets.committed(5);
    offsets.acknowledged(5, 3, true);
    assertEquals(OptionalLong.of(6), offsets.toCommit(), "the poison record was the last one");
    assertNull(offsets.oldestUnprocessed());
    assertEquals(0, offsets.unprocessed());
  }

  @Test
  void anUnreceivedAcknowledgementWaitsForEarlierRecords() {
    offsets.received(7, 1);
    offsets.acknowledged(8, 2, true);
    assertEquals(OptionalLong.empty(), offsets.toCommit());
    offsets.acknowledged(7, 3, false);
    assertEquals(OptionalLong.of(9), offsets.toCommit());
  }

  @Test
  void aLateAcknowledgementFromBeforeARebalanceNeitherSkipsNorGoesBack() {
    // Assigned again at committed offset 5; record 8's job, started before, ends now.
    PartitionOffsets reassigned = new PartitionOffsets(5);
    reassigned.acknowledged(8, 1, false);
    assertEquals(OptionalLong.empty(), reassigned.toCommit(), "5..8 are delivered again");
    for (long offset = 5; offset <= 8; offset++) {
      reassigned.received(offset, 2);
      assertEquals(
          offset == 5 ? OptionalLong.empty() : OptionalLong.of(offset),
          reassigned.toCommit(),
          "up to " + offset + ", not past it");
      reassigned.acknowledged(offset, 3, false);
    }
    assertEquals(OptionalLong.of(9), reassigned.toCommit());
    // Another member had committed 20 meanwhile: an older acknowledgement changes nothing.
    PartitionOffsets ahead = new PartitionOffsets(20);
    ahead.acknowledged(8, 4, true);
    ahead.received(12, 5);
    assertEquals(OptionalLong.empty(), ahead.toCommit());
    assertNull(ahead.oldestUnprocessed());
  }

  @Test
  void recordsAlreadyCoveredAreIgnored() {
    offsets.received(3, 1);
    offsets.acknowledged(3, 2, false);
    offsets.committed(4);
    offsets.received(2, 3); // redelivered after a rebalance
    offsets.acknowledged(2, 4, false);
    assertEquals(OptionalLong.empty(), offsets.toCommit());
    assertEquals(0, offsets.unprocessed());
  }
}
