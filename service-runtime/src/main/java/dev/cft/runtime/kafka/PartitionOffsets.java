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
  private long committable = -1;

  /** The last offset committed by this consumer, or -1. */
  private long committed = -1;

  void received(long offset, long atMillis) {
    if (offset >= committable) {
      pending.putIfAbsent(offset, atMillis);
    }
  }

  /**
   * A record was processed. It may not have been {@linkplain #received received}: SmallRye sends a
   * record that failed deserialization to the dead-letter topic before the commit strategy sees it,
   * then acknowledges it; such a record still moves the offset on, or a partition whose last record
   * was poison would keep a lag of one for ever (and be dead-lettered again after every restart).
   */
  void acknowledged(long offset, long atMillis) {
    if (offset < committable) {
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
