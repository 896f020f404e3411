package dev.cft.runtime.store;

import java.io.UncheckedIOException;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;

/**
 * Read-modify-write of one object that never loses a concurrent writer's change: the new bytes are
 * written only if the object is still as read ({@link ObjectStore#replace}); otherwise it is read
 * again and the change made again on what is there now. For objects several processes change, such
 * as a domain's history that any deploy replica may append to.
 */
public final class ObjectUpdates {
  /** Tries before giving up: a writer that loses this often meets a stuck writer, not a race. */
  public static final int ATTEMPTS = 50;

  private ObjectUpdates() {}

  /**
   * Applies {@code change} to the object's current bytes (empty: no object yet) and writes the
   * result, again on fresh bytes until no other writer came between. {@code change} may run more
   * than once and should see whether its change is already there (a write whose answer was lost):
   * an empty result means nothing to write.
   *
   * @return whether anything was written
   * @throws UncheckedIOException when other writers won {@value #ATTEMPTS} times in a row
   */
  public static boolean update(
      ObjectStore store,
      String bucket,
      String key,
      String contentType,
      Function<Optional<byte[]>, Optional<byte[]>> change) {
    for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
      Optional<ObjectStore.Tagged> read = store.readTagged(bucket, key);
      Optional<byte[]> changed = change.apply(read.map(ObjectStore.Tagged::bytes));
      if (changed.isEmpty()) {
        return false;
      }
      if (store.replace(bucket, key, changed.get(), contentType, read.orElse(null))) {
        return true;
      }
      pause(attempt);
    }
    throw new UncheckedIOException(
        "cannot update s3://" + bucket + "/" + key + ": changed by others " + ATTEMPTS + " times",
        new java.io.IOException("too much contention"));
  }

  /** A short random pause that grows, so that racing writers stop colliding. */
  public static void pause(int attempt) {
    try {
      Thread.sleep(ThreadLocalRandom.current().nextLong(1, 5L * Math.min(attempt, 10) + 2));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UncheckedIOException("interrupted", new java.io.InterruptedIOException());
    }
  }
}
