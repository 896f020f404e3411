package dev.cft.deploy.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cft.events.Buckets;
import dev.cft.events.ModelKeys;
import dev.cft.runtime.store.ObjectStore;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
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
  private static final ObjectMapper JSON = new ObjectMapper();

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
    return store
        .readIfExists(Buckets.MODELS, ModelKeys.alias(domain, alias))
        .map(bytes -> json(bytes).path("version").asText(null));
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
    appendHistory(domain, "PROMOTED", version, current.orElse(null), reason, correlationId);
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
    appendHistory(domain, "ROLLED_BACK", back, current, reason, null);
    return new Move(domain, current, back, "ROLLED_BACK");
  }

  /** The domain's registry view: aliases, every version with its status and verdict, history. */
  public ObjectNode describe(String domain) {
    String production = production(domain).orElse(null);
    ObjectNode view = JSON.createObjectNode();
    view.put("domain", domain).put("production", production);
    view.put("previous", previous(domain).orElse(null));
    List<JsonNode> history = history(domain);
    TreeSet<String> everPromoted = new TreeSet<>();
    history.forEach(h -> everPromoted.add(h.path("version").asText()));
    ArrayNode versions = view.putArray("versions");
    for (String version : versions(domain)) {
      String prefix = ModelKeys.version(domain, version);
      JsonNode card =
          store
              .readIfExists(Buckets.MODELS, prefix + ModelKeys.CARD)
              .map(ModelRegistry::json)
              .orElse(null);
      JsonNode evaluation =
          store
              .readIfExists(Buckets.MODELS, prefix + ModelKeys.EVALUATION)
              .map(ModelRegistry::json)
              .orElse(null);
      ObjectNode v = versions.addObject();
      v.put("version", version);
      String status =
          version.equals(production)
              ? "production"
              : evaluation != null && !evaluation.path("passed").asBoolean()
                  ? "rejected"
                  : everPromoted.contains(version) ? "retired" : "candidate";
      v.put("status", status);
      if (card != null) {
        v.set("datasetVersion", card.path("lineage").path("datasetVersion"));
        v.set("jobId", card.path("jobId"));
        v.set("parentVersion", card.path("lineage").path("parentVersion"));
        v.set("correlationId", card.path("correlationId"));
        v.set("training", card.path("metrics"));
      }
      if (evaluation != null) {
        v.set("metrics", evaluation.path("candidate"));
        ObjectNode verdict = v.putObject("verdict");
        verdict.set("passed", evaluation.path("passed"));
        verdict.set("reasons", evaluation.path("reasons"));
        verdict.set("comparedWith", evaluation.path("productionVersion"));
      } else {
        v.putNull("verdict");
      }
    }
    ArrayNode h = view.putArray("history");
    history.forEach(h::add);
    return view;
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

  public List<JsonNode> history(String domain) {
    List<JsonNode> entries = new ArrayList<>();
    store
        .readIfExists(Buckets.MODELS, ModelKeys.history(domain))
        .ifPresent(
            bytes -> {
              for (String line : new String(bytes, StandardCharsets.UTF_8).split("\n")) {
                if (!line.isBlank()) {
                  entries.add(json(line.getBytes(StandardCharsets.UTF_8)));
                }
              }
            });
    return entries;
  }

  private void writeAlias(String domain, String alias, String version, String reason) {
    ObjectNode node = JSON.createObjectNode();
    node.put("version", version).put("at", Instant.now().toString()).put("reason", reason);
    store.writeString(
        Buckets.MODELS, ModelKeys.alias(domain, alias), node.toString(), "application/json");
  }

  private void appendHistory(
      String domain,
      String action,
      String version,
      String from,
      String reason,
      String correlationId) {
    ObjectNode entry = JSON.createObjectNode();
    entry.put("at", Instant.now().toString()).put("action", action).put("version", version);
    entry.put("from", from).put("reason", reason).put("correlationId", correlationId);
    String old =
        store
            .readIfExists(Buckets.MODELS, ModelKeys.history(domain))
            .map(b -> new String(b, StandardCharsets.UTF_8))
            .orElse("");
    store.writeString(
        Buckets.MODELS, ModelKeys.history(domain), old + entry + "\n", "application/x-ndjson");
  }

  private static JsonNode json(byte[] bytes) {
    try {
      return JSON.readTree(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
