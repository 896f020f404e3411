package dev.cft.deploy.finetuning;

import dev.cft.deploy.registry.ModelRegistry;
import dev.cft.deploy.rest.OpenAiError;
import dev.cft.events.Buckets;
import dev.cft.events.ModelKeys;
import dev.cft.runtime.store.ObjectStore;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;

/**
 * What an API job's {@code model} names as its start: a domain (its production version), a version
 * ({@code <domain>:v<N>}) or a base ({@code hf:<repo>}, a name under {@code models/base/}, {@code
 * tiny}); train-service reads the same names.
 */
@ApplicationScoped
public class StartModelNames {
  /** A base trained from scratch with the byte tokenizer (train-service's own). */
  static final String SCRATCH = "tiny";

  private final ModelRegistry registry;
  private final ObjectStore objects;

  public StartModelNames(ModelRegistry registry, ObjectStore objects) {
    this.registry = registry;
    this.objects = objects;
  }

  /**
   * What the job starts from, fixed now: a version stays that version, a domain means its
   * production version at this moment, anything else must be a base.
   */
  public String startFrom(String model) {
    int colon = model.indexOf(':');
    if (colon > 0 && !model.startsWith("hf:")) {
      String domain = model.substring(0, colon);
      String version = model.substring(colon + 1);
      if (objects.exists(Buckets.MODELS, ModelKeys.version(domain, version) + ModelKeys.CARD)) {
        return model;
      }
      throw unknownModel(model);
    }
    Optional<String> production = registry.production(model);
    if (production.isPresent()) {
      return ModelKeys.servedName(model, production.get());
    }
    if (model.startsWith("hf:")
        || model.equals(SCRATCH)
        || objects.exists(Buckets.MODELS, ModelKeys.base(model) + "config.json")) {
      return model;
    }
    throw unknownModel(model);
  }

  /** The domain a job naming {@code model} fine-tunes, when the model is one of a domain's. */
  public String domainOf(String model) {
    int colon = model.indexOf(':');
    if (colon > 0 && !model.startsWith("hf:")) {
      return model.substring(0, colon);
    }
    return registry.production(model).isPresent() ? model : null;
  }

  private static OpenAiError unknownModel(String model) {
    return new OpenAiError(
        404,
        "The model '"
            + model
            + "' is not a domain with a production model, a registered version (<domain>:v<N>),"
            + " or a base (hf:<repo>, or a name under models/base/)",
        "model",
        "model_not_found");
  }
}
