package dev.cft.ingest.messaging;

import dev.cft.events.ObjectLanded;
import dev.cft.events.S3EventNotifications;
import dev.cft.ingest.config.IngestConfig;
import dev.cft.ingest.storage.DatasetVersions;
import dev.cft.runtime.kafka.KafkaMessages;
import dev.cft.runtime.store.ObjectStore;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.reactive.messaging.MutinyEmitter;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.jboss.logging.Logger;

/**
 * Finds objects of the ingest bucket that no notification announced (the embedded S3 server sends
 * none; a notification can be lost) and announces them on the notifications topic, in the AWS
 * record format: they then take the same path, in the same per-domain order, as the rest. An object
 * counts as handled once the ledger has its id.
 */
@ApplicationScoped
public class ReconciliationScan {
  private static final Logger LOG = Logger.getLogger(ReconciliationScan.class);

  private final ObjectStore store;
  private final DatasetVersions versions;
  private final IngestConfig config;
  private final MutinyEmitter<String> scanned;

  /** Announced and not yet in the ledger: not announced again before {@code rescan-after}. */
  private final Map<String, Instant> announced = new ConcurrentHashMap<>();

  private ScheduledExecutorService timer;

  public ReconciliationScan(
      ObjectStore store,
      DatasetVersions versions,
      IngestConfig config,
      @Channel(Channels.OBJECTS_SCANNED) MutinyEmitter<String> scanned) {
    this.store = store;
    this.versions = versions;
    this.config = config;
    this.scanned = scanned;
  }

  void start(@Observes StartupEvent event) {
    timer = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "ingest-scan"));
    timer.scheduleWithFixedDelay(
        this::scanQuietly,
        config.scanDelay().toMillis(),
        config.scanInterval().toMillis(),
        TimeUnit.MILLISECONDS);
  }

  void stop(@Observes ShutdownEvent event) {
    if (timer != null) {
      timer.shutdownNow();
    }
  }

  private void scanQuietly() {
    try {
      scan();
    } catch (RuntimeException e) {
      // The store or the broker may be down for a while; the next scan tries again.
      LOG.warnf("ingest scan failed: %s", e.getMessage());
    }
  }

  /** One pass over the bucket; returns how many objects it announced. */
  public int scan() {
    String bucket = config.buckets().ingest();
    Set<String> handled = versions.ledgerIds();
    Instant now = Instant.now();
    int count = 0;
    for (ObjectStore.Entry entry : store.list(bucket, "")) {
      if (entry.key().indexOf('/') <= 0 || entry.key().endsWith("/")) {
        continue; // no domain segment: nothing to route it by (logged once below)
      }
      // Without an ETag (a file copied into the store's directory) the modification time tells
      // versions of the object apart, and one that changed lately may still be being copied in.
      boolean copiedIn = entry.eTag() == null && entry.lastModified() != null;
      if (copiedIn && entry.lastModified().isAfter(now.minus(config.scanSettle()))) {
        continue; // a later scan takes it whole
      }
      String sequencer = copiedIn ? "mtime:" + entry.lastModified().toEpochMilli() : null;
      Instant at = entry.lastModified() != null ? entry.lastModified() : now;
      String notification =
          S3EventNotifications.scanned(
              bucket, entry.key(), entry.size(), entry.eTag(), sequencer, at);
      ObjectLanded landed = S3EventNotifications.parse(notification).get(0);
      Instant last = announced.get(landed.eventId());
      if (handled.contains(landed.eventId())) {
        announced.remove(landed.eventId());
        continue;
      }
      if (last != null && last.plus(config.rescanAfter()).isAfter(now)) {
        continue;
      }
      scanned.sendMessageAndAwait(KafkaMessages.keyed(notification, landed.domain()));
      announced.put(landed.eventId(), now);
      count++;
    }
    if (count > 0) {
      LOG.infof("ingest scan: %d new objects announced", count);
    }
    return count;
  }
}
