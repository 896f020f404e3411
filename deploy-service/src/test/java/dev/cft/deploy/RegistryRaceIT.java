package dev.cft.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cft.deploy.registry.ModelRegistry;
import dev.cft.events.documents.HistoryEntry;
import dev.cft.runtime.store.TestStores;
import dev.cft.stack.test.LocalStackExtension;
import io.minio.MinioClient;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two deploy replicas deciding for one domain at the same instant (the gate's verdict on one, an
 * operator's request on the other), against the real S3 server: every decision is in the history,
 * and every promotion records the version it really replaced.
 */
@ExtendWith(LocalStackExtension.class)
class RegistryRaceIT {
  static final int REPLICAS = 2;
  static final int EACH = 12;

  @Test
  void noHistoryLineIsLostAndEveryMoveReplacedWhatWasThere() throws Exception {
    String domain = "race-" + UUID.randomUUID().toString().substring(0, 8);
    ExecutorService pool = Executors.newFixedThreadPool(REPLICAS);
    CyclicBarrier start = new CyclicBarrier(REPLICAS);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int r = 0; r < REPLICAS; r++) {
        int replica = r;
        done.add(
            pool.submit(
                () -> {
                  try (MinioClient client = TestStores.client()) {
                    ModelRegistry registry = new ModelRegistry(TestStores.objectStore(client));
                    start.await();
                    for (int i = 0; i < EACH; i++) {
                      String version = "v" + (replica * 100 + i);
                      registry.promote(domain, version, "race " + version, "corr-" + version, null);
                      registry.reject(domain, "x" + version, "turned down " + version, "actor");
                    }
                  }
                  return null;
                }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }

    try (MinioClient client = TestStores.client()) {
      ModelRegistry registry = new ModelRegistry(TestStores.objectStore(client));
      List<HistoryEntry> history = registry.history(domain);
      assertEquals(REPLICAS * EACH * 2, history.size(), "every decision kept: " + history);

      // Each promotion replaced what production was: the moves form one chain, from none to the
      // version that is production now, through every promoted version once.
      Map<String, String> next = new HashMap<>();
      for (HistoryEntry entry : history) {
        if (entry.action() == HistoryEntry.Action.PROMOTED) {
          String from = entry.from() == null ? "" : entry.from();
          assertNull(
              next.put(from, entry.version()), "two moves replaced " + from + ": " + history);
        }
      }
      assertEquals(REPLICAS * EACH, next.size());
      Set<String> seen = new HashSet<>();
      String at = "";
      while (next.containsKey(at)) {
        at = next.get(at);
        assertTrue(seen.add(at), "a cycle at " + at);
      }
      assertEquals(REPLICAS * EACH, seen.size(), "one chain through every promoted version");
      assertEquals(at, registry.production(domain).orElseThrow());
    }
  }
}
