package dev.cft.ingest.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cft.datasets.DatasetBuilder;
import dev.cft.datasets.Hashes;
import dev.cft.events.DatasetReady;
import dev.cft.events.EventIds;
import dev.cft.events.FineTuning;
import dev.cft.ingest.storage.DatasetVersions;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Predicate;
import org.jboss.logging.Logger;

/**
 * A new dataset version of a domain, whatever it was made from: its manifest (the caller adds its
 * sources between {@link #header} and {@link #content}), its files, and the {@link DatasetReady}
 * that announces it, the same event again for a version made earlier.
 */
@ApplicationScoped
public class VersionMaker {
  private static final Logger LOG = Logger.getLogger(VersionMaker.class);

  /** A domain's finished versions and what they hold, to build the next one against. */
  public record Base(String domain, TreeSet<Integer> existing, DatasetBuilder.Earlier earlier) {}

  private final DatasetVersions versions;

  public VersionMaker(DatasetVersions versions) {
    this.versions = versions;
  }

  public Base base(String domain) {
    TreeSet<Integer> existing = versions.versions(domain);
    return new Base(domain, existing, versions.earlier(domain, existing));
  }

  /** The manifest's first fields for the version after {@code base}'s. */
  public ObjectNode header(Base base, String correlationId) {
    TreeSet<Integer> existing = base.existing();
    ObjectNode m = versions.json().createObjectNode();
    m.put("domain", base.domain())
        .put("version", existing.isEmpty() ? 1 : existing.last() + 1)
        .put("createdAt", Instant.now().toString());
    if (existing.isEmpty()) {
      m.putNull("parentVersion");
    } else {
      m.put("parentVersion", existing.last());
    }
    m.put("correlationId", correlationId);
    return m;
  }

  /**
   * What the version holds: counts, tokens, the content hash and the split.
   *
   * @param read examples read from the sources
   * @param rejected problems found in them (the bad lines left out)
   * @param valFraction null when the split is not the hash rule's
   */
  public void content(
      ObjectNode m,
      DatasetBuilder.Built built,
      long read,
      long rejected,
      String splitRule,
      Double valFraction) {
    ObjectNode counts = m.putObject("counts");
    counts.put("train", built.train().size()).put("val", built.val().size());
    counts.put("read", read).put("rejected", rejected);
    counts.put("duplicatesInFile", built.duplicatesInFile());
    counts.put("duplicatesOfEarlierVersions", built.duplicatesOfEarlier());
    ObjectNode tokens = m.putObject("tokens");
    tokens.put("train", tokens(built.train())).put("val", tokens(built.val()));
    tokens.put("counter", "utf8-bytes");
    m.put(
        "contentSha256",
        Hashes.sha256(
            concat(DatasetVersions.jsonl(built.train()), DatasetVersions.jsonl(built.val()))));
    ObjectNode split = m.putObject("split").put("rule", splitRule);
    if (valFraction != null) {
      split.put("valFraction", valFraction);
    }
    split.put("inputsInBothSplits", built.inputsInBothSplits());
  }

  /** Writes the version (its manifest last) and returns the event that announces it. */
  public DatasetReady write(
      DatasetBuilder.Built built, ObjectNode manifest, FineTuning fineTuning) {
    String domain = manifest.path("domain").asText();
    int version = manifest.path("version").intValue();
    versions.write(domain, version, built, manifest);
    LOG.infof(
        "%s v%d: %d train, %d val examples from %s",
        domain, version, built.train().size(), built.val().size(), sourceKeys(manifest));
    return ready(manifest, manifest.path("correlationId").asText(), fineTuning);
  }

  /** The newest of {@code base}'s versions whose manifest {@code madeBy} accepts. */
  public Optional<JsonNode> find(Base base, Predicate<JsonNode> madeBy) {
    for (int v : base.existing().descendingSet()) {
      JsonNode manifest = versions.manifest(base.domain(), v);
      if (madeBy.test(manifest)) {
        return Optional.of(manifest);
      }
    }
    return Optional.empty();
  }

  /** The event for a version (same id every time it is announced). */
  public DatasetReady ready(JsonNode manifest, String correlationId, FineTuning fineTuning) {
    String domain = manifest.path("domain").asText();
    int version = manifest.path("version").intValue();
    String prefix = DatasetVersions.prefix(domain, version);
    JsonNode counts = manifest.path("counts");
    JsonNode tokens = manifest.path("tokens");
    JsonNode parent = manifest.path("parentVersion");
    return new DatasetReady(
        EventIds.deterministic("DatasetReady", domain, version),
        correlationId,
        domain,
        Instant.now(),
        version,
        versions.bucket(),
        prefix,
        prefix + DatasetReady.MANIFEST_FILE,
        counts.path("train").asLong(),
        counts.path("val").asLong(),
        tokens.path("train").asLong() + tokens.path("val").asLong(),
        manifest.path("contentSha256").asText(),
        sourceKeys(manifest),
        parent.isNumber() ? parent.intValue() : null,
        fineTuning);
  }

  /** {@code bucket/key} of each of the manifest's sources. */
  static List<String> sourceKeys(JsonNode manifest) {
    List<String> keys = new ArrayList<>();
    for (JsonNode source : manifest.path("sources")) {
      keys.add(source.path("bucket").asText() + "/" + source.path("key").asText());
    }
    return keys;
  }

  private static long tokens(List<DatasetBuilder.Entry> entries) {
    return entries.stream().mapToLong(e -> e.sample().utf8Bytes()).sum();
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] all = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }
}
