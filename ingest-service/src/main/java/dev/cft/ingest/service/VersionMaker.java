package dev.cft.ingest.service;

import dev.cft.datasets.DatasetBuilder;
import dev.cft.datasets.Format;
import dev.cft.datasets.Hashes;
import dev.cft.events.DatasetReady;
import dev.cft.events.EventIds;
import dev.cft.events.FineTuning;
import dev.cft.events.documents.DatasetManifest;
import dev.cft.ingest.storage.DatasetVersions;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Predicate;
import org.jboss.logging.Logger;

/**
 * A new dataset version of a domain, whatever it was made from: its manifest (from the caller's
 * {@link Origin}), its files, and the {@link DatasetReady} that announces it, the same event again
 * for a version made earlier.
 */
@ApplicationScoped
public class VersionMaker {
  private static final Logger LOG = Logger.getLogger(VersionMaker.class);
  private static final String TOKEN_COUNTER = "utf8-bytes";

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

  /**
   * What a new version is made of, besides its examples.
   *
   * @param correlationId the chain that makes it
   * @param fineTuningJob the API job that makes it; null for a dropped file
   * @param read examples read from the sources
   * @param rejected problems found in them (the bad lines left out)
   */
  public record Origin(
      String correlationId,
      DatasetManifest.FineTuningJob fineTuningJob,
      List<DatasetManifest.Source> sources,
      Format format,
      String kind,
      long read,
      long rejected) {}

  /**
   * Writes a new version of {@code base}'s domain, its manifest last, and returns the event that
   * announces it. Its number is the first free one after {@code base}'s newest: another ingest
   * replica may be making one of the same domain at the same moment, and each number goes to one
   * writer ({@link DatasetVersions#write}).
   *
   * @param valFraction null when the split is not the hash rule's
   */
  public DatasetReady make(
      Base base,
      Origin origin,
      DatasetBuilder.Built built,
      String splitRule,
      Double valFraction,
      FineTuning fineTuning) {
    TreeSet<Integer> existing = base.existing();
    DatasetManifest manifest =
        versions.write(
            base.domain(),
            existing.isEmpty() ? 0 : existing.last(),
            built,
            number -> manifest(base, number, origin, built, splitRule, valFraction));
    LOG.infof(
        "%s v%d: %d train, %d val examples from %s",
        manifest.domain(),
        manifest.version(),
        built.train().size(),
        built.val().size(),
        sourceKeys(manifest));
    return ready(manifest, manifest.correlationId(), fineTuning);
  }

  /**
   * The manifest of version {@code number}, made after {@code base}'s newest: where its examples
   * came from, counts, tokens, the content hash and the split.
   */
  static DatasetManifest manifest(
      Base base,
      int number,
      Origin origin,
      DatasetBuilder.Built built,
      String splitRule,
      Double valFraction) {
    TreeSet<Integer> existing = base.existing();
    Integer parent = existing.isEmpty() ? null : existing.last();
    return new DatasetManifest(
        base.domain(),
        number,
        Instant.now(),
        parent,
        origin.correlationId(),
        origin.fineTuningJob(),
        origin.sources(),
        origin.format().name(),
        origin.kind(),
        new DatasetManifest.Counts(
            built.train().size(),
            built.val().size(),
            origin.read(),
            origin.rejected(),
            built.duplicatesInFile(),
            built.duplicatesOfEarlier()),
        new DatasetManifest.Tokens(tokens(built.train()), tokens(built.val()), TOKEN_COUNTER),
        Hashes.sha256(
            concat(DatasetVersions.jsonl(built.train()), DatasetVersions.jsonl(built.val()))),
        new DatasetManifest.Split(splitRule, valFraction, built.inputsInBothSplits()));
  }

  /** The newest of {@code base}'s versions whose manifest {@code madeBy} accepts. */
  public Optional<DatasetManifest> find(Base base, Predicate<DatasetManifest> madeBy) {
    for (int v : base.existing().descendingSet()) {
      DatasetManifest manifest = versions.manifest(base.domain(), v);
      if (madeBy.test(manifest)) {
        return Optional.of(manifest);
      }
    }
    return Optional.empty();
  }

  /** The event for a version (same id every time it is announced). */
  public DatasetReady ready(DatasetManifest manifest, String correlationId, FineTuning fineTuning) {
    String domain = manifest.domain();
    int version = manifest.version();
    String prefix = DatasetVersions.prefix(domain, version);
    return new DatasetReady(
        EventIds.deterministic("DatasetReady", domain, version),
        correlationId,
        domain,
        Instant.now(),
        version,
        versions.bucket(),
        prefix,
        prefix + DatasetReady.MANIFEST_FILE,
        manifest.counts().train(),
        manifest.counts().val(),
        manifest.tokens().train() + manifest.tokens().val(),
        manifest.contentSha256(),
        sourceKeys(manifest),
        manifest.parentVersion(),
        fineTuning);
  }

  /** {@code bucket/key} of each of the manifest's sources. */
  static List<String> sourceKeys(DatasetManifest manifest) {
    return manifest.sources().stream().map(s -> s.bucket() + "/" + s.key()).toList();
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
