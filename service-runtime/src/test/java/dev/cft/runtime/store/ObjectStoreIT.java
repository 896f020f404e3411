package dev.cft.runtime.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cft.events.Buckets;
import dev.cft.stack.test.LocalStackExtension;
import io.minio.MinioClient;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The conditional writes the stages coordinate through, against the real S3 server: a replace
 * refused once the object changed, and read-modify-writes from several writers at once of which
 * none is lost.
 */
@ExtendWith(LocalStackExtension.class)
class ObjectStoreIT {
  static final String BUCKET = Buckets.MODELS;
  static final String TYPE = "text/plain";

  private final MinioClient client = TestStores.client();
  private final ObjectStore store = TestStores.objectStore(client);
  private final String key = "object-store-it/" + UUID.randomUUID() + ".txt";

  @AfterEach
  void close() throws Exception {
    client.close();
  }

  @Test
  void aReplaceIsRefusedOnceTheObjectChangedSinceItWasRead() {
    assertTrue(store.replace(BUCKET, key, bytes("one"), TYPE, null), "none yet: created");
    assertFalse(store.replace(BUCKET, key, bytes("two"), TYPE, null), "no longer new");

    ObjectStore.Tagged read = store.readTagged(BUCKET, key).orElseThrow();
    assertArrayEquals(bytes("one"), read.bytes());
    store.write(BUCKET, key, bytes("changed by another"), TYPE);
    assertFalse(store.replace(BUCKET, key, bytes("three"), TYPE, read), "changed since read");
    assertEquals("changed by another", store.readString(BUCKET, key));

    ObjectStore.Tagged fresh = store.readTagged(BUCKET, key).orElseThrow();
    assertTrue(store.replace(BUCKET, key, bytes("three"), TYPE, fresh));
    assertEquals("three", store.readString(BUCKET, key));
    assertTrue(store.readTagged(BUCKET, key + ".absent").isEmpty());
  }

  @Test
  void concurrentUpdatesAreAllKept() throws Exception {
    int writers = 4;
    int each = 25;
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    CyclicBarrier start = new CyclicBarrier(writers);
    try {
      List<Future<Integer>> done = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        // Each writer its own client, as each replica has.
        Callable<Integer> writer =
            () -> {
              try (MinioClient own = TestStores.client()) {
                ObjectStore replica = TestStores.objectStore(own);
                start.await();
                int written = 0;
                for (int i = 0; i < each; i++) {
                  written +=
                      ObjectUpdates.update(replica, BUCKET, key, TYPE, ObjectStoreIT::plusOne)
                          ? 1
                          : 0;
                }
                return written;
              }
            };
        done.add(pool.submit(writer));
      }
      int written = 0;
      for (Future<Integer> f : done) {
        written += f.get();
      }
      assertEquals(writers * each, written);
      assertEquals(
          String.valueOf(writers * each),
          store.readString(BUCKET, key),
          "each increment read the one before it");
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void anUpdateThatFindsItsChangeMadeWritesNothing() {
    store.write(BUCKET, key, bytes("done"), TYPE);
    assertFalse(ObjectUpdates.update(store, BUCKET, key, TYPE, old -> Optional.<byte[]>empty()));
    assertEquals("done", store.readString(BUCKET, key));
  }

  private static Optional<byte[]> plusOne(Optional<byte[]> old) {
    int count = old.map(b -> Integer.parseInt(new String(b, StandardCharsets.UTF_8))).orElse(0);
    return Optional.of(bytes(String.valueOf(count + 1)));
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
