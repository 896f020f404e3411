package dev.cft.deploy.registry;

import dev.cft.events.Buckets;
import dev.cft.events.ModelKeys;
import dev.cft.events.documents.Documents;
import dev.cft.events.documents.EvaluationReport;
import dev.cft.events.documents.HistoryEntry;
import dev.cft.events.documents.ModelAlias;
import dev.cft.events.documents.ModelCard;
import dev.cft.runtime.store.ObjectStore;
import dev.cft.runtime.store.ObjectUpdates;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The registry in the models bucket: a domain's versions, its {@code production} and {@code
 * previous} aliases and the history of their moves. The production alias is one object, so a move
 * is atomic for every reader: it sees the old version or the new one. The gate's moves for one
 * domain come from one consumer (records keyed by domain), an operator's decision (promote, reject,
 * rollback) from whichever replica got the request: the production alias and the history are
 * changed by conditional writes ({@link ObjectUpdates}), so of two racing moves each sees the
 * other's result and no history line is lost.
 *
 * <p>Somewhat over 300 lines: the moves (promote, rollback, reject) and what they read (aliases,
 * cards, verdicts, the view) share the alias key layout and the one conditional move of production;
 * the history is its own class ({@link RegistryHistory}).
 */
@ApplicationScoped
public class ModelRegistry {
  static final String PRODUCTION_SUFFIX = "/aliases/" + ModelKeys.PRODUCTION + ".json";

  /** An alias move: production went from {@code from} (null: none) to {@code to}. */
  public record Move(String domain, String from, String to, String action) {}

  private final ObjectStore store;
  private final RegistryHistory history;

  public ModelRegistry(ObjectStore store) {
    this.store = store;
    this.history = new RegistryHistory(store);
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
    Moved moved = moveProduction(domain, from -> version, reason, "replaced by " + version);
    if (!moved.moved()) {
      return new Move(domain, version, version, "UNCHANGED");
    }
    history.append(
        domain,
        new HistoryEntry(
            Instant.now(),
            HistoryEntry.Action.PROMOTED,
            version,
            moved.from().orElse(null),
            reason,
            correlationId,
            actor));
    return new Move(domain, moved.from().orElse(null), version, "PROMOTED");
  }

  /**
   * Moves production back to previous (and previous to what was production).
   *
   * @throws IllegalStateException when there is nothing to roll back to
   */
  public Move rollback(String domain, String reason, String actor) {
    String back =
        previous(domain)
            .orElseThrow(
                () -> new IllegalStateException(domain + " has no previous model to roll back to"));
    Moved moved =
        moveProduction(domain, from -> from == null ? null : back, reason, "rolled back from");
    String current =
        moved
            .from()
            .orElseThrow(() -> new IllegalStateException(domain + " has no production model"));
    if (!moved.moved()) {
      return new Move(domain, back, back, "UNCHANGED"); // another rollback got there first
    }
    // The version production returns to keeps the chain that made it.
    history.append(
        domain,
        new HistoryEntry(
            Instant.now(),
            HistoryEntry.Action.ROLLED_BACK,
            back,
            current,
            reason,
            correlationIdOf(domain, back),
            actor));
    return new Move(domain, current, back, "ROLLED_BACK");
  }

  /** What a move of production found: the version it replaced (empty: none), whether it wrote. */
  private record Moved(Optional<String> from, boolean moved) {}

  /**
   * Points production at {@code to.apply(what it is)}: previous first, so that a crash between the
   * two leaves previous right for the redelivery that finishes the move; then production by a
   * conditional write, both again on a fresh read when another move came between. No move when
   * production already is the target, or {@code to} gives none (null).
   */
  private Moved moveProduction(
      String domain,
      java.util.function.UnaryOperator<String> to,
      String reason,
      String previousReason) {
    String key = ModelKeys.alias(domain, ModelKeys.PRODUCTION);
    byte[] written = null;
    Optional<String> writtenOver = Optional.empty();
    for (int attempt = 1; attempt <= ObjectUpdates.ATTEMPTS; attempt++) {
      Optional<ObjectStore.Tagged> read = store.readTagged(Buckets.MODELS, key);
      if (written != null && read.isPresent() && Arrays.equals(read.get().bytes(), written)) {
        return new Moved(writtenOver, true); // this move landed; only its answer was lost
      }
      Optional<String> from =
          read.map(r -> Documents.read(r.bytes(), ModelAlias.class, where(key)).version());
      String target = to.apply(from.orElse(null));
      if (target == null || from.isPresent() && from.get().equals(target)) {
        return new Moved(from, false);
      }
      from.ifPresent(old -> writeAlias(domain, ModelKeys.PREVIOUS, old, previousReason));
      written = Documents.write(new ModelAlias(target, Instant.now(), reason));
      writtenOver = from;
      if (store.replace(Buckets.MODELS, key, written, "application/json", read.orElse(null))) {
        return new Moved(from, true);
      }
      ObjectUpdates.pause(attempt);
    }
    throw new IllegalStateException(
        domain + ": production moved by others " + ObjectUpdates.ATTEMPTS + " times in a row");
  }

  /** A person turns {@code version} down: it stays out of production unless promoted by hand. */
  public void reject(String domain, String version, String reason, String actor) {
    history.append(
        domain,
        new HistoryEntry(
            Instant.now(),
            HistoryEntry.Action.REJECTED,
            version,
            production(domain).orElse(null),
            reason,
            correlationIdOf(domain, version),
            actor));
  }

  /**
   * Whether a person turned {@code version} down and nobody promoted it since: the gate's pass no
   * longer moves it to production, nor does a rollback.
   */
  public boolean rejectedByHand(String domain, String version) {
    return RegistryHistory.rejectedByHand(history(domain)).contains(version);
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
    Set<String> everPromoted = RegistryHistory.everPromoted(history);
    Set<String> rejectedByHand = RegistryHistory.rejectedByHand(history);
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
    return history.read(domain);
  }

  private void writeAlias(String domain, String alias, String version, String reason) {
    store.write(
        Buckets.MODELS,
        ModelKeys.alias(domain, alias),
        Documents.write(new ModelAlias(version, Instant.now(), reason)),
        "application/json");
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
