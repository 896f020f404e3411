package dev.cft.ingest.storage;

import dev.cft.datasets.DatasetBuilder;
import dev.cft.datasets.DatasetBuilder.Earlier;
import dev.cft.datasets.DatasetBuilder.Entry;
import dev.cft.datasets.DatasetBuilder.Split;
import dev.cft.events.DatasetReady;
import dev.cft.events.documents.DatasetManifest;
import dev.cft.events.documents.Documents;
import dev.cft.events.documents.IngestLedgerEntry;
import dev.cft.ingest.config.IngestConfig;
import dev.cft.runtime.store.ObjectStore;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A domain's dataset versions in the datasets bucket: {@code <domain>/v<N>/} holds {@code
 * train.jsonl}, {@code val.jsonl}, {@code index.tsv} (content hash, input hash and split of each
 * example, what later versions dedup and split against) and {@code manifest.json}, written last: a
 * version without its manifest is unfinished and ignored; its number goes to the same examples
 * only. The ledger {@code _ingested/<domain>/<objectEventId>.json} records what became of each
 * ingested object.
 */
@ApplicationScoped
public class DatasetVersions {
  public static final String INDEX_FILE = "index.tsv";
  static final String LEDGER = "_ingested/";
  private static final Pattern MANIFEST = Pattern.compile("v(\\d+)/" + DatasetReady.MANIFEST_FILE);
  private static final String JSONL = "application/x-ndjson";
  private static final String JSON_TYPE = "application/json";
  private static final int MAX_CLAIMS = 100;

  private final ObjectStore store;
  private final String bucket;

  public DatasetVersions(ObjectStore store, IngestConfig config) {
    this.store = store;
    this.bucket = config.buckets().datasets();
  }

  public String bucket() {
    return bucket;
  }

  public static String prefix(String domain, int version) {
    return DatasetReady.versionPrefix(domain, version);
  }

  /** Finished versions of the domain, ascending. */
  public TreeSet<Integer> versions(String domain) {
    TreeSet<Integer> versions = new TreeSet<>();
    String root = domain + "/";
    for (ObjectStore.Entry entry : store.list(bucket, root)) {
      Matcher m = MANIFEST.matcher(entry.key().substring(root.length()));
      if (m.matches()) {
        versions.add(Integer.parseInt(m.group(1)));
      }
    }
    return versions;
  }

  public DatasetManifest manifest(String domain, int version) {
    String key = prefix(domain, version) + DatasetReady.MANIFEST_FILE;
    return readDocument(store.read(bucket, key), key, DatasetManifest.class);
  }

  /** Content hashes and input splits of every finished version. */
  public Earlier earlier(String domain, Set<Integer> versions) {
    Set<String> content = new HashSet<>();
    Map<String, Split> inputs = new HashMap<>();
    for (int version : versions) {
      String index = store.readString(bucket, prefix(domain, version) + INDEX_FILE);
      for (String line : index.split("\n")) {
        if (line.isEmpty()) {
          continue;
        }
        String[] cols = line.split("\t");
        content.add(cols[0]);
        inputs.put(cols[1], Split.valueOf(cols[2]));
      }
    }
    return new Earlier(content, inputs);
  }

  /**
   * Writes a new version after {@code after}, its manifest ({@code manifest} of its number) last,
   * and returns that manifest. The number is claimed by creating the version's {@code train.jsonl}
   * (a create-only write): of two writers that chose the same number, as two ingest replicas making
   * a version of one domain at once would, one gets it and the other takes the next, so no
   * version's files are ever overwritten. A number taken by the same examples is this version's own
   * (a retry after a crash before the manifest, an answer lost, one record handled by two replicas
   * across a rebalance): it is finished, not made twice. A number left unfinished with other
   * examples is skipped.
   */
  public DatasetManifest write(
      String domain,
      int after,
      DatasetBuilder.Built built,
      java.util.function.IntFunction<DatasetManifest> manifest) {
    byte[] train = jsonl(built.train());
    for (int number = after + 1; number <= after + MAX_CLAIMS; number++) {
      String prefix = prefix(domain, number);
      if (!store.create(bucket, prefix + DatasetReady.TRAIN_FILE, train, JSONL)
          && !sameExamples(prefix + DatasetReady.TRAIN_FILE, train)) {
        continue;
      }
      store.write(bucket, prefix + DatasetReady.VAL_FILE, jsonl(built.val()), JSONL);
      StringBuilder index = new StringBuilder();
      for (List<Entry> split : List.of(built.train(), built.val())) {
        for (Entry e : split) {
          index.append(e.contentHash()).append('\t').append(e.inputHash()).append('\t');
          index.append(e.split()).append('\n');
        }
      }
      store.writeString(bucket, prefix + INDEX_FILE, index.toString(), "text/tab-separated-values");
      DatasetManifest written = manifest.apply(number);
      writeDocument(prefix + DatasetReady.MANIFEST_FILE, written);
      return written;
    }
    throw new IllegalStateException(
        "no free version number for "
            + domain
            + " in v"
            + (after + 1)
            + "..v"
            + (after + MAX_CLAIMS)
            + ": each holds a train.jsonl but no manifest (unfinished versions: remove them)");
  }

  private boolean sameExamples(String key, byte[] train) {
    return store
        .readIfExists(bucket, key)
        .map(b -> java.util.Arrays.equals(b, train))
        .orElse(false);
  }

  /** The bytes of a split file, for its content hash: one canonical JSON line per example. */
  public static byte[] jsonl(List<Entry> entries) {
    StringBuilder out = new StringBuilder();
    entries.forEach(e -> out.append(e.sample().toJsonLine()).append('\n'));
    return out.toString().getBytes(StandardCharsets.UTF_8);
  }

  public Optional<IngestLedgerEntry> ledger(String domain, String objectEventId) {
    String key = ledgerKey(domain, objectEventId);
    return store
        .readIfExists(bucket, key)
        .map(bytes -> readDocument(bytes, key, IngestLedgerEntry.class));
  }

  public void record(String domain, String objectEventId, IngestLedgerEntry outcome) {
    writeDocument(ledgerKey(domain, objectEventId), outcome);
  }

  /** Ids of every object any domain's ledger has, for the scan. */
  public Set<String> ledgerIds() {
    Set<String> ids = new HashSet<>();
    for (ObjectStore.Entry entry : store.list(bucket, LEDGER)) {
      String name = entry.key().substring(entry.key().lastIndexOf('/') + 1);
      if (name.endsWith(".json")) {
        ids.add(name.substring(0, name.length() - ".json".length()));
      }
    }
    return ids;
  }

  static String ledgerKey(String domain, String objectEventId) {
    return LEDGER + domain + "/" + objectEventId + ".json";
  }

  private <T> T readDocument(byte[] bytes, String key, Class<T> type) {
    return Documents.read(bytes, type, "s3://" + bucket + "/" + key);
  }

  private void writeDocument(String key, Object document) {
    store.write(bucket, key, Documents.write(document), JSON_TYPE);
  }
}
