package dev.cft.deploy.registry;

import dev.cft.events.Buckets;
import dev.cft.events.ModelKeys;
import dev.cft.events.documents.Documents;
import dev.cft.events.documents.HistoryEntry;
import dev.cft.runtime.store.ObjectStore;
import dev.cft.runtime.store.ObjectUpdates;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * A domain's {@code history.jsonl}: every move of its production alias and every person's decision,
 * oldest first. Any deploy replica may append (the gate's verdict consumer, an operator's request),
 * so a line is appended by a conditional write ({@link ObjectUpdates}): two appends that race both
 * land, one after the other.
 */
final class RegistryHistory {
  private final ObjectStore store;

  RegistryHistory(ObjectStore store) {
    this.store = store;
  }

  List<HistoryEntry> read(String domain) {
    String key = ModelKeys.history(domain);
    return store
        .readIfExists(Buckets.MODELS, key)
        .map(bytes -> parse(new String(bytes, StandardCharsets.UTF_8), key))
        .orElseGet(List::of);
  }

  void append(String domain, HistoryEntry entry) {
    String line = Documents.line(entry) + "\n";
    ObjectUpdates.update(
        store,
        Buckets.MODELS,
        ModelKeys.history(domain),
        "application/x-ndjson",
        old -> {
          String text = old.map(b -> new String(b, StandardCharsets.UTF_8)).orElse("");
          // Already there when an earlier try was written but its answer lost.
          return text.contains(line)
              ? Optional.empty()
              : Optional.of((text + line).getBytes(StandardCharsets.UTF_8));
        });
  }

  /**
   * Versions a person turned down and nobody promoted since: the gate's pass no longer moves them
   * to production, nor does a rollback; their status reads {@code rejected}.
   */
  static Set<String> rejectedByHand(List<HistoryEntry> history) {
    TreeSet<String> rejected = new TreeSet<>();
    for (HistoryEntry entry : history) {
      if (entry.action() == HistoryEntry.Action.REJECTED) {
        rejected.add(entry.version());
      } else {
        rejected.remove(entry.version()); // promoted by hand after all
      }
    }
    return rejected;
  }

  /** Versions that were production at some time. */
  static Set<String> everPromoted(List<HistoryEntry> history) {
    TreeSet<String> promoted = new TreeSet<>();
    for (HistoryEntry entry : history) {
      if (entry.action() != HistoryEntry.Action.REJECTED) {
        promoted.add(entry.version());
      }
    }
    return promoted;
  }

  private static List<HistoryEntry> parse(String text, String key) {
    List<HistoryEntry> entries = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (!line.isBlank()) {
        entries.add(Documents.read(line, HistoryEntry.class, "s3://" + Buckets.MODELS + "/" + key));
      }
    }
    return entries;
  }
}
