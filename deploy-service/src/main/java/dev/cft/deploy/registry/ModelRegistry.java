package dev.cft.deploy.registry;

import dev.cft.events.Buckets;
import dev.cft.events.ModelKeys;
import dev.cft.events.documents.Documents;
import dev.cft.events.documents.EvaluationReport;
import dev.cft.events.documents.HistoryEntry;
import dev.cft.events.documents.ModelAlias;
import dev.cft.events.documents.ModelCard;
import dev.cft.runtime.store.ObjectStore;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The registry in the models bucket: a domain's versions, its {@code production} and {@code
 * previous} aliases and the history of their moves. The production alias is one object, so a move
 * is atomic for every reader: it sees the old version or the new one. Moves for one domain come
 * from one consumer (records keyed by domain), so read-modify-write of the history is safe.
 */
@ApplicationScoped
public class ModelRegistry {
  static final String PRODUCTION_SUFFIX = "/aliases/" + ModelKeys.PRODUCTION + ".json";

  /** An alias move: production went from {@code from} (null: none) to {@code to}. */
  public record Move(String domain, String from, String to, String action) {}

  private final ObjectStore store;

  public ModelRegistry(ObjectStore store) {
    this.store = store;
  }

  public Optional<String> production(String domain) {
    return alias(domain, ModelKeys.PRODUCTION);
  }

  public Optional<String> previous(String domain) {
    return alias(domain, ModelKeys.PREVIOUS);
  }

  private Optional<String> alias(String domain, String alias) {
    return read(ModelKeys.alias(domain, alias), ModelAlias.class).map(ModelAlias::version);
  }

  /** Domains with a production model. */
  public List<String> servedDomains() {
    TreeSet<String> domains = new TreeSet<>();
    for (ObjectStore.Entry entry : store.list(Buckets.MODELS, "")) {
      if (entry.key().endsWith(PRODUCTION_SUFFIX)) {
        domains.add(entry.key().substring(0, entry.key().length() - PRODUCTION_SUFFIX.length()));
      }
    }
    return List.copyOf(domains);
  }

  /** Whether {@code version} of {@code domain} is registered (its card is written last). */
  public boolean isVersion(String domain, String version) {
    return store.exists(Buckets.MODELS, ModelKeys.version(domain, version) + ModelKeys.CARD);
  }

  /** Every registered version by name ({@code <domain>:<version>}), domains in order. */
  public List<String> registeredVersions() {
    TreeSet<String> names = new TreeSet<>();
    for (ObjectStore.Entry entry : store.list(Buckets.MODELS, "")) {
      String key = entry.key();
      int versions = key.indexOf("/versions/");
      if (versions > 0 && key.endsWith("/" + ModelKeys.CARD)) {
        String rest = key.substring(versions + "/versions/".length());
        if (rest.indexOf('/') == rest.length() - ModelKeys.CARD.length() - 1) {
          names.add(key.substring(0, versions) + ":" + rest.substring(0, rest.indexOf('/')));
        }
      }
    }
    return List.copyOf(names);
  }

  /** Makes {@code version} production; the old one becomes previous. */
  public Move promote(String domain, String version, String reason, String correlationId) {
    Optional<String> current = production(domain);
    if (current.isPresent() && current.get().equals(version)) {
      return new Move(domain, version, version, "UNCHANGED");
    }
    current.ifPresent(old -> writeAlias(domain, ModelKeys.PREVIOUS, old, "replaced by " + version));
    writeAlias(domain, ModelKeys.PRODUCTION, version, reason);
    appendHistory(
        domain, HistoryEntry.Action.PROMOTED, version, current.orElse(null), reason, correlationId);
    return new Move(domain, current.orElse(null), version, "PROMOTED");
  }

  /**
   * Moves production back to previous (and previous to what was production).
   *
   * @throws IllegalStateException when there is nothing to roll back to
   */
  public Move rollback(String domain, String reason) {
    String current =
        production(domain)
            .orElseThrow(() -> new IllegalStateException(domain + " has no production model"));
    String back =
        previous(domain)
            .orElseThrow(
                () -> new IllegalStateException(domain + " has no previous model to roll back to"));
    writeAlias(domain, ModelKeys.PREVIOUS, current, "rolled back from");
    writeAlias(domain, ModelKeys.PRODUCTION, back, reason);
    appendHistory(domain, HistoryEntry.Action.ROLLED_BACK, back, current, reason, null);
    return new Move(domain, current, back, "ROLLED_BACK");
  }

  /** The domain's registry view: aliases, every version with its status and verdict, history. */
  public RegistryView describe(String domain) {
    String production = production(domain).orElse(null);
    List<HistoryEntry> history = history(domain);
    TreeSet<String> everPromoted = new TreeSet<>();
    history.forEach(h -> everPromoted.add(h.version()));
    List<RegistryView.Version> versions = new ArrayList<>();
    for (String version : versions(domain)) {
      String prefix = ModelKeys.version(domain, version);
      ModelCard card = read(prefix + ModelKeys.CARD, ModelCard.class).orElse(null);
      EvaluationReport evaluation =
          read(prefix + ModelKeys.EVALUATION, EvaluationReport.class).orElse(null);
      versions.add(
          new RegistryView.Version(
              version,
              status(version, production, evaluation, everPromoted),
              card == null || card.lineage() == null ? null : card.lineage().datasetVersion(),
              card == null ? null : card.jobId(),
              card == null || card.lineage() == null ? null : card.lineage().parentVersion(),
              card == null ? null : card.correlationId(),
              card == null ? null : card.metrics(),
              evaluation == null ? null : evaluation.candidate(),
              evaluation == null
                  ? null
                  : new RegistryView.Verdict(
                      evaluation.passed(), evaluation.reasons(), evaluation.productionVersion())));
    }
    return new RegistryView(domain, production, previous(domain).orElse(null), versions, history);
  }

  /**
   * A version's status, derived rather than stored a second time: production by its alias, rejected
   * by its verdict, retired once it was production, else a candidate.
   */
  static String status(
      String version, String production, EvaluationReport evaluation, Set<String> everPromoted) {
    if (version.equals(production)) {
      return "production";
    }
    if (evaluation != null && !evaluation.passed()) {
      return "rejected";
    }
    return everPromoted.contains(version) ? "retired" : "candidate";
  }

  /** Version names, oldest first ({@code v2} before {@code v10}). */
  public List<String> versions(String domain) {
    String root = domain + "/versions/";
    TreeSet<String> names =
        new TreeSet<>(
            (a, b) -> {
              int c = Integer.compare(number(a), number(b));
              return c != 0 ? c : a.compareTo(b);
            });
    for (ObjectStore.Entry entry : store.list(Buckets.MODELS, root)) {
      String rest = entry.key().substring(root.length());
      int slash = rest.indexOf('/');
      if (slash > 0) {
        names.add(rest.substring(0, slash));
      }
    }
    return List.copyOf(names);
  }

  private static int number(String version) {
    try {
      return Integer.parseInt(version.replaceAll("\\D", ""));
    } catch (NumberFormatException e) {
      return Integer.MAX_VALUE;
    }
  }

  public List<HistoryEntry> history(String domain) {
    String key = ModelKeys.history(domain);
    List<HistoryEntry> entries = new ArrayList<>();
    store
        .readIfExists(Buckets.MODELS, key)
        .ifPresent(
            bytes -> {
              for (String line : new String(bytes, StandardCharsets.UTF_8).split("\n")) {
                if (!line.isBlank()) {
                  entries.add(Documents.read(line, HistoryEntry.class, where(key)));
                }
              }
            });
    return entries;
  }

  private void writeAlias(String domain, String alias, String version, String reason) {
    store.write(
        Buckets.MODELS,
        ModelKeys.alias(domain, alias),
        Documents.write(new ModelAlias(version, Instant.now(), reason)),
        "application/json");
  }

  private void appendHistory(
      String domain,
      HistoryEntry.Action action,
      String version,
      String from,
      String reason,
      String correlationId) {
    HistoryEntry entry =
        new HistoryEntry(Instant.now(), action, version, from, reason, correlationId);
    String old =
        store
            .readIfExists(Buckets.MODELS, ModelKeys.history(domain))
            .map(b -> new String(b, StandardCharsets.UTF_8))
            .orElse("");
    store.writeString(
        Buckets.MODELS,
        ModelKeys.history(domain),
        old + Documents.line(entry) + "\n",
        "application/x-ndjson");
  }

  private <T> Optional<T> read(String key, Class<T> type) {
    return store
        .readIfExists(Buckets.MODELS, key)
        .map(bytes -> Documents.read(bytes, type, where(key)));
  }

  private static String where(String key) {
    return "s3://" + Buckets.MODELS + "/" + key;
  }
}
