package dev.cft.train.service;

import ai.djl.ndarray.NDManager;
import dev.cft.events.Buckets;
import dev.cft.events.ModelKeys;
import dev.cft.events.documents.Documents;
import dev.cft.events.documents.JobRecord;
import dev.cft.events.documents.ModelAlias;
import dev.cft.lm.Gpt;
import dev.cft.lm.GptConfig;
import dev.cft.lm.hub.HubModel;
import dev.cft.lm.io.Checkpoint;
import dev.cft.lm.tokenizer.ByteTokenizer;
import dev.cft.lm.tokenizer.TextTokenizer;
import dev.cft.runtime.store.ObjectStore;
import dev.cft.train.storage.BaseModels;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What a job starts from, chosen by its first worker (then pinned in its record, see {@link
 * #pinned}): the model its API job names, else the domain's production model, else its base.
 *
 * <p>A named model is a domain (its production model; a plain name no domain has production for is
 * a base of that name), a registered version {@code <domain>:v<N>}, or a base ({@code
 * hf:<repo>[@rev]} or a name under {@code models/base/}). A start is the job domain's parent
 * version only when it is a version of that domain.
 */
@ApplicationScoped
public class StartModels {
  /** The built-in preset, trained from scratch with the byte tokenizer. */
  static final String FROM_SCRATCH = "tiny";

  private static final String CONFIG = "config.json";

  /**
   * A run's starting point.
   *
   * @param name {@value #FROM_SCRATCH} or the model's prefix in the models bucket
   * @param dir the downloaded checkpoint; null for a fresh {@value #FROM_SCRATCH} model
   * @param parentVersion the job domain's version it is, when it is one
   */
  public record Start(String name, Path dir, String parentVersion) {
    public boolean fromScratch() {
      return dir == null;
    }

    /** The model to train: a new tiny GPT from scratch, else the downloaded checkpoint. */
    public Gpt model(long seed, NDManager manager) throws IOException {
      if (fromScratch()) {
        return Gpt.initialize(GptConfig.tiny(ByteTokenizer.VOCAB), manager, seed);
      }
      return Checkpoint.load(dir, manager);
    }

    public TextTokenizer tokenizer() throws IOException {
      return fromScratch() ? new ByteTokenizer() : TextTokenizer.load(dir);
    }
  }

  private final ObjectStore store;
  private final BaseModels bases;

  public StartModels(ObjectStore store, BaseModels bases) {
    this.store = store;
    this.bases = bases;
  }

  /**
   * Downloads what a job starts from into {@code dir}.
   *
   * @param model what its API job names; null for the domain's usual start
   * @param baseModel the job's setting, for a domain without production
   * @throws IllegalArgumentException naming a model that is not there
   */
  public Start choose(String domain, String model, String baseModel, Path dir) {
    if (model != null) {
      return named(domain, model, dir);
    }
    Optional<String> production = production(domain);
    return production.isPresent()
        ? version(domain, domain, production.get(), dir)
        : base(baseModel, dir);
  }

  /** What a resumed job started from: the same model, whatever production is now. */
  public Start pinned(JobRecord.Start from, Path dir) {
    if (from.from().equals(FROM_SCRATCH)) {
      return new Start(FROM_SCRATCH, null, null);
    }
    store.downloadModel(Buckets.MODELS, from.from(), dir);
    return new Start(from.from(), dir, from.parentVersion());
  }

  private Start named(String domain, String model, Path dir) {
    ModelName name = ModelName.parse(model);
    if (name instanceof ModelName.Version v) {
      String prefix = ModelKeys.version(v.domain(), v.version());
      if (!store.exists(Buckets.MODELS, prefix + ModelKeys.CARD)) {
        throw unknown(model, "no registered version at models/" + prefix);
      }
      return version(domain, v.domain(), v.version(), dir);
    }
    if (name instanceof ModelName.Plain plain) {
      Optional<String> production = production(plain.name());
      if (production.isPresent()) {
        return version(domain, plain.name(), production.get(), dir);
      }
      if (plain.name().equals(FROM_SCRATCH)) {
        return base(FROM_SCRATCH, dir);
      }
      if (!store.exists(Buckets.MODELS, ModelKeys.base(plain.name()) + CONFIG)) {
        throw unknown(
            model, "no domain of that name has a production model, and no base has that name");
      }
      return base(plain.name(), dir);
    }
    String base = ((ModelName.Base) name).name();
    if (!HubModel.isHubReference(base)
        && !store.exists(Buckets.MODELS, ModelKeys.base(base) + CONFIG)) {
      throw unknown(model, "no base at models/" + ModelKeys.base(base));
    }
    try {
      return base(base, dir);
    } catch (UncheckedIOException | IllegalStateException e) {
      throw new IllegalArgumentException("model '" + model + "': " + e.getMessage(), e);
    }
  }

  private static IllegalArgumentException unknown(String model, String why) {
    return new IllegalArgumentException("model '" + model + "' is not known: " + why);
  }

  /** The version the domain's production alias names, if it has one. */
  private Optional<String> production(String domain) {
    String key = ModelKeys.alias(domain, ModelKeys.PRODUCTION);
    return store
        .readIfExists(Buckets.MODELS, key)
        .map(alias -> Documents.read(alias, ModelAlias.class, "s3://" + Buckets.MODELS + "/" + key))
        .map(ModelAlias::version);
  }

  private Start version(String jobDomain, String domain, String version, Path dir) {
    String prefix = ModelKeys.version(domain, version);
    store.downloadModel(Buckets.MODELS, prefix, dir);
    return new Start(prefix, dir, jobDomain.equals(domain) ? version : null);
  }

  private Start base(String baseModel, Path dir) {
    if (baseModel.equals(FROM_SCRATCH)) {
      return new Start(FROM_SCRATCH, null, null);
    }
    String prefix = bases.prefix(baseModel, dir.resolveSibling("hub"));
    store.downloadModel(Buckets.MODELS, prefix, dir);
    return new Start(prefix, dir, null);
  }
}
