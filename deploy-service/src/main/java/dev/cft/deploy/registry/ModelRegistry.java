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
 * is atomic for every reader: it sees the old version or the new one. The gate's moves for one
 * domain come from one consumer (records keyed by domain); an operator's decision (promote, reject,
 * rollback) runs on the replica that got the request, so one racing a verdict of the same domain,
 * or another decision, could lose a history line (read-modify-write of one object); a conditional
 * write of the history would close that.
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
          names.add(
              ModelKeys.servedName(
                  key.substring(0, versions), rest.substring(0, rest.indexOf('/'))));
        }
      }
    }
    return List.copyOf(names);
  }

  /**
   * Makes {@code version} production; the old one becomes previous.
   *
   * @param actor the operator's key digest for a promotion by hand; null when the gate decided
   */
  public Move promote(
      String domain, String version, String reason, String correlationId, String actor) {
    Optional<String> current = production(domain);
    if (current.isPresent() && current.get().equals(version)) {
      return new Move(domain, version, version, "UNCHANGED");
    }
    current.ifPresent(old -> writeAlias(domain, ModelKeys.PREVIOUS, old, "replaced by " + version));
    writeAlias(domain, ModelKeys.PRODUCTION, version, reason);
    appendHistory(
        new HistoryEntry(
            Instant.now(),
            HistoryEntry.Action.PROMOTED,
            version,
            current.orElse(null),
            reason,
            correlationId,
            actor),
        domain);
    return new Move(domain, current.orElse(null), version, "PROMOTED");
  }

  /**
   * Moves production back to previous (and previous to what was production).
   *
   * @throws IllegalStateException when there is nothing to roll back to
   */
  public Move rollback(String domain, String reason, String actor) {
    String current =
        production(domain)
            .orElseThrow(() -> new IllegalStateException(domain + " has no production model"));
    String back =
        previous(domain)
            .orElseThrow(
                () -> new IllegalStateException(domain + " has no previous model to roll back to"));
    writeAlias(domain, ModelKeys.PREVIOUS, current, "rolled back from");
    writeAlias(domain, ModelKeys.PRODUCTION, back, reason);
    // The version production returns to keeps the chain that made it.
    appendHistory(
        new HistoryEntry(
            Instant.now(),
            HistoryEntry.Action.ROLLED_BACK,
            back,
            current,
            reason,
            correlationIdOf(domain, back),
            actor),
        domain);
    return new Move(domain, current, back, "ROLLED_BACK");
  }

  /** A person turns {@code version} down: it stays out of production unless promoted by hand. */
  public void reject(String domain, String version, String reason, String actor) {
    appendHistory(
        new HistoryEntry(
            Instant.now(),
            HistoryEntry.Action.REJECTED,
            version,
            production(domain).orElse(null),
            reason,
            correlationIdOf(domain, version),
            actor),
        domain);
  }

  /**
   * Whether a person turned {@code version} down and nobody promoted it since: the gate's pass no
   * longer moves it to production, nor does a rollback.
   */
  public boolean rejectedByHand(String domain, String version) {
    boolean rejected = false;
    for (HistoryEntry entry : history(domain)) {
      if (entry.version().equals(version)) {
        rejected = entry.action() == HistoryEntry.Action.REJECTED;
      }
    }
    return rejected;
  }

  /** The chain that made {@code version}: its card's correlation id (null without a card). */
  public String correlationIdOf(String domain, String version) {
    return card(domain, version).map(ModelCard::correlationId).orElse(null);
  }

  public Optional<ModelCard> card(String domain, String version) {
    return read(ModelKeys.version(domain, version) + ModelKeys.CARD, ModelCard.class);
  }

  /** The gate's verdict on {@code version}; empty until it is judged. */
  public Optional<EvaluationReport> evaluation(String domain, String version) {
    return read(ModelKeys.version(domain, version) + ModelKeys.EVALUATION, EvaluationReport.class);
  }

  /** The domain's registry view: aliases, every version with its status and verdict, history. */
  public RegistryView describe(String domain) {
    String production = production(domain).orElse(null);
    List<HistoryEntry> history = history(domain);
    TreeSet<String> everPromoted = new TreeSet<>();
    TreeSet<String> rejectedByHand = new TreeSet<>();
    for (HistoryEntry entry : history) {
      if (entry.action() == HistoryEntry.Action.REJECTED) {
        rejectedByHand.add(entry.version());
      } else {
        everPromoted.add(entry.version());
        rejectedByHand.remove(entry.version()); // promoted by hand after all
      }
    }
    List<RegistryView.Version> versions = new ArrayList<>();
    for (String version : versions(domain)) {
      ModelCard card = card(domain, version).orElse(null);
      EvaluationReport evaluation = evaluation(domain, version).orElse(null);
      versions.add(
          new RegistryView.Version(
              version,
              status(version, production, evaluation, everPromoted, rejectedByHand),
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
   * by its verdict or by a person, retired once it was production, {@code approved-pending} when it
   * passed in a domain whose promotions wait for a person, else a candidate.
   */
  static String status(
      String version,
      String production,
      EvaluationReport evaluation,
      Set<String> everPromoted,
      Set<String> rejectedByHand) {
    if (version.equals(production)) {
      return "production";
    }
    if (evaluation != null && !evaluation.passed() || rejectedByHand.contains(version)) {
      return "rejected";
    }
    if (everPromoted.contains(version)) {
      return "retired";
    }
    boolean awaitsApproval =
        evaluation != null && evaluation.promotionMode() == dev.cft.events.Promotion.MANUAL;
    return awaitsApproval ? "approved-pending" : "candidate";
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

  private void appendHistory(HistoryEntry entry, String domain) {
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
