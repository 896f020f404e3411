package dev.cft.runtime.kafka;

import java.util.HashSet;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;

/**
 * The records of one assigned partition between their receipt and the commit that covers them. The
 * offset to commit is the one after the longest run of acknowledged records from the start; it is
 * forgotten only once a commit of it succeeded, so a failed commit is made again at the next flush.
 *
 * <p>Not thread-safe: its commit strategy uses it from one Vert.x context.
 */
final class PartitionOffsets {
  /** Offsets received and not yet covered by {@link #committable}, with when they arrived (ms). */
  private final TreeMap<Long, Long> pending = new TreeMap<>();

  private final Set<Long> acknowledged = new HashSet<>();

  /** The offset to commit next (the first not yet processed), or -1. */
  private long committable;

  /** The last offset committed, or -1. */
  private long committed;

  /**
   * @param committed the group's committed offset when the partition was assigned, or -1 if none:
   *     records before it, and acknowledgements of them arriving late from an earlier assignment,
   *     are ignored, so the group never moves backwards
   */
  PartitionOffsets(long committed) {
    this.committed = committed;
    this.committable = committed;
  }

  void received(long offset, long atMillis) {
    if (offset >= committable) {
      pending.putIfAbsent(offset, atMillis);
    }
  }

  /**
   * A record was processed. A record SmallRye dead-lettered because it could not be deserialized
   * ({@code deadLettered}) was never {@linkplain #received received}: it still moves the offset on,
   * or a partition whose last record was poison would keep a lag of one for ever (and be
   * dead-lettered again after every restart). Any other record not received in this assignment is a
   * late acknowledgement from an earlier one, and is ignored: its partition was delivered again
   * from the committed offset.
   */
  void acknowledged(long offset, long atMillis, boolean deadLettered) {
    if (offset < committable || (!deadLettered && !pending.containsKey(offset))) {
      return;
    }
    pending.putIfAbsent(offset, atMillis);
    acknowledged.add(offset);
    while (!pending.isEmpty() && acknowledged.remove(pending.firstKey())) {
      committable = pending.pollFirstEntry().getKey() + 1;
    }
  }

  /** The offset to commit, if it is ahead of the last commit made. */
  OptionalLong toCommit() {
    return committable > committed ? OptionalLong.of(committable) : OptionalLong.empty();
  }

  void committed(long offset) {
    committed = Math.max(committed, offset);
  }

  /** The oldest record received and not yet processed: offset and arrival time (ms), or null. */
  Map.Entry<Long, Long> oldestUnprocessed() {
    return pending.firstEntry();
  }

  int unprocessed() {
    return pending.size() - acknowledged.size();
  }
}
