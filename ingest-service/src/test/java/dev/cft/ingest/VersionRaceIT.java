package dev.cft.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cft.datasets.DatasetBuilder;
import dev.cft.datasets.Format;
import dev.cft.datasets.Sample;
import dev.cft.datasets.SampleReader;
import dev.cft.events.Buckets;
import dev.cft.events.DatasetReady;
import dev.cft.events.documents.DatasetManifest;
import dev.cft.ingest.service.VersionMaker;
import dev.cft.ingest.storage.DatasetVersions;
import dev.cft.runtime.store.ObjectStore;
import dev.cft.stack.test.LocalStackResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Two ingest replicas making a version of one domain at the same moment (each process locks a
 * domain only for itself), against the real S3 server: each gets its own number and no version's
 * files are overwritten; a number left unfinished by a crash is skipped, not reused.
 */
@QuarkusTest
@WithTestResource(LocalStackResource.class)
class VersionRaceIT {
  static final int RACES = 10;

  @Inject VersionMaker maker;
  @Inject DatasetVersions versions;
  @Inject ObjectStore store;

  @Test
  void twoReplicasMakingAVersionAtOnceGetTwoNumbers() throws Exception {
    ExecutorService replicas = Executors.newFixedThreadPool(2);
    try {
      for (int race = 0; race < RACES; race++) {
        String domain = "race-" + UUID.randomUUID().toString().substring(0, 8);
        // Both read the domain before either writes: both would choose v1.
        VersionMaker.Base base = maker.base(domain);
        CyclicBarrier start = new CyclicBarrier(2);
        Future<DatasetReady> a = replicas.submit(() -> make(base, "a", start));
        Future<DatasetReady> b = replicas.submit(() -> make(base, "b", start));
        DatasetReady first = a.get();
        DatasetReady second = b.get();

        assertNotEquals(first.datasetVersion(), second.datasetVersion());
        assertEquals(new TreeSet<>(List.of(1, 2)), versions.versions(domain));
        for (DatasetReady made : List.of(first, second)) {
          DatasetManifest manifest = versions.manifest(domain, made.datasetVersion());
          assertEquals(made.sourceKeys(), sourceKeys(manifest));
          String train = store.readString(Buckets.DATASETS, made.trainKey());
          String mine = made.sourceKeys().get(0).endsWith("a.jsonl") ? "from a" : "from b";
          assertTrue(
              !train.isEmpty() && train.lines().allMatch(l -> l.contains(mine)),
              "v" + made.datasetVersion() + " holds its own writer's examples: " + train);
        }
      }
    } finally {
      replicas.shutdownNow();
    }
  }

  @Test
  void aNumberLeftUnfinishedIsSkipped() throws Exception {
    String domain = "crashed-" + UUID.randomUUID().toString().substring(0, 8);
    assertEquals(1, make(maker.base(domain), "a", null).datasetVersion());
    // A replica claimed v2 and died before its manifest.
    String leftover = DatasetReady.versionPrefix(domain, 2) + DatasetReady.TRAIN_FILE;
    store.writeString(
        Buckets.DATASETS, leftover, "{\"prompt\":\"left\"}\n", "application/x-ndjson");

    DatasetReady next = make(maker.base(domain), "b", null);

    assertEquals(3, next.datasetVersion());
    assertEquals(1, next.parentVersion());
    assertEquals("{\"prompt\":\"left\"}\n", store.readString(Buckets.DATASETS, leftover));
    assertEquals(new TreeSet<>(List.of(1, 3)), versions.versions(domain));
  }

  /** A retry after a crash before the manifest (or the same record on two replicas) finishes it. */
  @Test
  void theSameExamplesFinishTheNumberTheyLeftUnfinished() throws Exception {
    String domain = "retried-" + UUID.randomUUID().toString().substring(0, 8);
    assertEquals(1, make(maker.base(domain), "a", null).datasetVersion());
    VersionMaker.Base base = maker.base(domain);
    byte[] sameTrain =
        DatasetVersions.jsonl(DatasetBuilder.build(samples("b"), base.earlier(), 0.2).train());
    store.write(
        Buckets.DATASETS,
        DatasetReady.versionPrefix(domain, 2) + DatasetReady.TRAIN_FILE,
        sameTrain,
        "application/x-ndjson");

    assertEquals(2, make(base, "b", null).datasetVersion());
    assertEquals(new TreeSet<>(List.of(1, 2)), versions.versions(domain));
  }

  private DatasetReady make(VersionMaker.Base base, String writer, CyclicBarrier start)
      throws Exception {
    List<Sample> samples = samples(writer);
    DatasetBuilder.Built built = DatasetBuilder.build(samples, base.earlier(), 0.2);
    String key = base.domain() + "/" + writer + ".jsonl";
    VersionMaker.Origin origin =
        new VersionMaker.Origin(
            "corr-" + writer,
            null,
            List.of(
                new DatasetManifest.Source(
                    null, null, "ev-" + writer, "ingest", key, 1, null, "sha")),
            Format.JSONL,
            samples.get(0).kind(),
            samples.size(),
            0);
    if (start != null) {
      start.await();
    }
    return maker.make(base, origin, built, DatasetBuilder.SPLIT_RULE, 0.2, null);
  }

  private static List<Sample> samples(String writer) throws java.io.IOException {
    StringBuilder jsonl = new StringBuilder();
    for (int i = 0; i < 10; i++) {
      jsonl
          .append("{\"prompt\":\"question ")
          .append(i)
          .append(" from ")
          .append(writer)
          .append("\",\"completion\":\"answer\"}\n");
    }
    SampleReader.Result read =
        new SampleReader(SampleReader.Limits.defaults())
            .read(
                writer + ".jsonl",
                new ByteArrayInputStream(jsonl.toString().getBytes(StandardCharsets.UTF_8)));
    return read.samples().stream().map(SampleReader.Line::sample).toList();
  }

  /** {@code bucket/key} of each source, as the event names them. */
  private static List<String> sourceKeys(DatasetManifest manifest) {
    return manifest.sources().stream().map(s -> s.bucket() + "/" + s.key()).toList();
  }
}
