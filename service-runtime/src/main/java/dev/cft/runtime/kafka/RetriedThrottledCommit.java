package dev.cft.runtime.kafka;

import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.DeserializationFailureHandler;
import io.smallrye.reactive.messaging.kafka.IncomingKafkaRecord;
import io.smallrye.reactive.messaging.kafka.KafkaConsumer;
import io.smallrye.reactive.messaging.kafka.commit.ContextHolder;
import io.smallrye.reactive.messaging.kafka.commit.KafkaCommitHandler;
import io.vertx.mutiny.core.Vertx;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;

/**
 * SmallRye's {@code throttled} commit strategy (commit, every {@code auto.commit.interval.ms}, the
 * offset after the longest run of processed records of each partition) without its two ways of
 * losing a commit, both of which leave a consumer group's lag above zero with nothing to do — and
 * KEDA then keeps a training worker up for ever:
 *
 * <ul>
 *   <li>a commit that fails (a rebalance, a broker restart) is made again at the next flush;
 *       SmallRye forgets the offsets before it knows the commit succeeded;
 *   <li>a record that failed deserialization, which SmallRye dead-letters without showing it to the
 *       strategy, moves the offset on when it is acknowledged; SmallRye ignores that
 *       acknowledgement.
 * </ul>
 *
 * <p>It keeps {@code throttled.unprocessed-record-max-age.ms}: a record waiting longer than that
 * (if above 0) marks the channel unhealthy. Selected with {@code commit-strategy=cft-throttled}
 * ({@link RetriedThrottledCommitFactory}).
 */
public final class RetriedThrottledCommit extends ContextHolder implements KafkaCommitHandler {
  public static final String STRATEGY = "cft-throttled";
  private static final Logger LOG = Logger.getLogger(RetriedThrottledCommit.class);

  private final KafkaConsumer<?, ?> consumer;
  private final BiConsumer<Throwable, Boolean> reportFailure;
  private final String group;
  private final int interval;
  private final int maxUnprocessedAge;

  /** The assigned partitions; read and written on the captured context only. */
  private final Map<TopicPartition, PartitionOffsets> partitions = new HashMap<>();

  private long timer = -1;
  private boolean flushing;
  private boolean terminated;

  RetriedThrottledCommit(
      Vertx vertx,
      KafkaConsumer<?, ?> consumer,
      BiConsumer<Throwable, Boolean> reportFailure,
      String group,
      int interval,
      int timeout,
      int maxUnprocessedAge) {
    super(vertx, timeout);
    this.consumer = consumer;
    this.reportFailure = reportFailure;
    this.group = group;
    this.interval = interval;
    this.maxUnprocessedAge = maxUnprocessedAge;
  }

  /**
   * Called on the polling thread: each new partition's offsets start at the group's committed
   * offset, so late acknowledgements from an earlier assignment cannot skip or rewind it.
   */
  @Override
  public void partitionsAssigned(Collection<TopicPartition> assignment) {
    Map<TopicPartition, OffsetAndMetadata> committed = Map.of();
    if (!assignment.isEmpty()) {
      try {
        committed = new HashMap<>(consumer.unwrap().committed(new HashSet<>(assignment)));
      } catch (KafkaException e) {
        LOG.warnf(
            "group %s: committed offsets of %s unknown (%s); starting from the first record seen",
            group, assignment, e.getMessage());
      }
    }
    Map<TopicPartition, OffsetAndMetadata> start = committed;
    runOnContextAndAwait(
        () -> {
          for (TopicPartition partition : assignment) {
            OffsetAndMetadata offset = start.get(partition);
            partitions.putIfAbsent(
                partition, new PartitionOffsets(offset == null ? -1 : offset.offset()));
          }
          schedule();
          return null;
        });
  }

  /** Called on the polling thread: the last offsets of the revoked partitions are committed now. */
  @Override
  public void partitionsRevoked(Collection<TopicPartition> revoked) {
    Map<TopicPartition, OffsetAndMetadata> last =
        runOnContextAndAwait(
            () -> {
              Map<TopicPartition, OffsetAndMetadata> offsets = toCommit(revoked);
              partitions.keySet().removeAll(revoked);
              return offsets;
            });
    if (!last.isEmpty()) {
      try {
        consumer.unwrap().commitSync(last);
      } catch (KafkaException e) {
        LOG.warnf(
            "group %s: commit of revoked partitions %s failed; their next owner gets those records"
                + " again: %s",
            group, last, e.getMessage());
      }
    }
  }

  @Override
  public <K, V> Uni<IncomingKafkaRecord<K, V>> received(IncomingKafkaRecord<K, V> record) {
    return onContext(record, PartitionOffsets::received).replaceWith(record);
  }

  /**
   * An acknowledgement of a partition revoked meanwhile is dropped: its next owner gets it again.
   */
  @Override
  public <K, V> Uni<Void> handle(IncomingKafkaRecord<K, V> record) {
    boolean deadLettered =
        record.getHeaders() != null
            && record
                    .getHeaders()
                    .lastHeader(DeserializationFailureHandler.DESERIALIZATION_FAILURE_DLQ)
                != null;
    return onContext(
            record, (offsets, offset, at) -> offsets.acknowledged(offset, at, deadLettered))
        .emitOn(command -> record.runOnMessageContext(command));
  }

  /** What happened to a record, told to its partition's offsets (offset, time in ms). */
  private interface Event {
    void apply(PartitionOffsets offsets, long offset, long atMillis);
  }

  private Uni<Void> onContext(IncomingKafkaRecord<?, ?> record, Event event) {
    TopicPartition partition = new TopicPartition(record.getTopic(), record.getPartition());
    return Uni.createFrom()
        .completionStage(
            () -> {
              CompletableFuture<Void> done = new CompletableFuture<>();
              runOnContext(
                  () -> {
                    PartitionOffsets offsets = partitions.get(partition);
                    if (offsets != null) {
                      event.apply(offsets, record.getOffset(), System.currentTimeMillis());
                      schedule();
                    }
                    done.complete(null);
                  });
              return done;
            });
  }

  @Override
  public void terminate(boolean graceful) {
    if (graceful) {
      long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(interval);
      while (unprocessed() > 0 && System.nanoTime() < until) {
        try {
          Thread.sleep(100);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
    }
    Map<TopicPartition, OffsetAndMetadata> offsets =
        runOnContextAndAwait(
            () -> {
              terminated = true;
              cancelTimer();
              Map<TopicPartition, OffsetAndMetadata> last = toCommit(partitions.keySet());
              partitions.clear();
              return last;
            });
    if (!offsets.isEmpty()) {
      try {
        consumer.commit(offsets).await().atMost(java.time.Duration.ofMillis(interval));
      } catch (RuntimeException e) {
        LOG.warnf(
            "group %s: last commit %s failed; those records are delivered again: %s",
            group, offsets, e.getMessage());
      }
    }
  }

  /** On the context: the offsets to commit of those of {@code which} that are assigned. */
  private Map<TopicPartition, OffsetAndMetadata> toCommit(Collection<TopicPartition> which) {
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    for (TopicPartition partition : which) {
      PartitionOffsets state = partitions.get(partition);
      if (state != null) {
        state.toCommit().ifPresent(o -> offsets.put(partition, new OffsetAndMetadata(o, null)));
      }
    }
    return offsets;
  }

  private long unprocessed() {
    return runOnContextAndAwait(
        () -> partitions.values().stream().mapToLong(PartitionOffsets::unprocessed).sum());
  }

  /** On the context: one timer at a time, and none while a commit is in flight. */
  private void schedule() {
    if (timer == -1 && !flushing && !terminated) {
      timer = vertx.setTimer(interval, id -> runOnContext(this::flush));
    }
  }

  private void cancelTimer() {
    if (timer != -1) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
  }

  private void flush() {
    timer = -1;
    checkUnprocessedAge();
    Map<TopicPartition, OffsetAndMetadata> offsets = toCommit(partitions.keySet());
    if (offsets.isEmpty()) {
      if (!partitions.isEmpty()) {
        schedule();
      }
      return;
    }
    flushing = true;
    consumer
        .runOnPollingThread(
            c -> {
              // A rebalance may have run since: commit only what this member still owns, so an
              // older offset never overwrites the one committed on revocation or by a new owner.
              Map<TopicPartition, OffsetAndMetadata> owned = new HashMap<>(offsets);
              owned.keySet().retainAll(c.assignment());
              if (!owned.isEmpty()) {
                c.commitSync(owned);
              }
            })
        .subscribe()
        .with(
            done ->
                runOnContext(
                    () -> {
                      offsets.forEach(
                          (partition, offset) -> {
                            PartitionOffsets state = partitions.get(partition);
                            if (state != null) {
                              state.committed(offset.offset());
                            }
                          });
                      flushing = false;
                      schedule();
                    }),
            failure ->
                runOnContext(
                    () -> {
                      LOG.warnf(
                          "group %s: commit of %s failed, made again in %d ms: %s",
                          group, offsets, interval, failure.getMessage());
                      flushing = false;
                      schedule();
                    }));
  }

  private void checkUnprocessedAge() {
    if (maxUnprocessedAge <= 0) {
      return;
    }
    long now = System.currentTimeMillis();
    partitions.forEach(
        (partition, state) -> {
          Map.Entry<Long, Long> oldest = state.oldestUnprocessed();
          if (oldest != null && now - oldest.getValue() > maxUnprocessedAge) {
            reportFailure.accept(
                new IllegalStateException(
                    String.format(
                        "group %s: record %s@%d has waited %d s to be processed (limit %d ms)",
                        group,
                        partition,
                        oldest.getKey(),
                        (now - oldest.getValue()) / 1000,
                        maxUnprocessedAge)),
                true);
          }
        });
  }
}
