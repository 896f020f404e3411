package dev.cft.train.service;

import dev.cft.events.FineTuning;
import dev.cft.lm.hub.HubModel;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The model an API fine-tuning job names to start from ({@link FineTuning#model()}), read without
 * the store. Whether a plain name is a domain or a base only the store can tell ({@link
 * StartModels}).
 */
sealed interface ModelName {
  /** A domain's name, as ingest accepts it. */
  Pattern DOMAIN = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

  Pattern VERSION = Pattern.compile("(" + DOMAIN.pattern() + "):v([0-9]{1,9})");

  /** A path under {@code models/base/}: no empty, {@code .} or {@code ..} segment. */
  Pattern BASE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*(/[A-Za-z0-9][A-Za-z0-9._-]*)*");

  /** A domain (its production model) or, when no domain of that name has one, a base. */
  record Plain(String name) implements ModelName {}

  /**
   * {@code <domain>:v<N>}: that registered version.
   *
   * @param version {@code v<N>}, as versions are named in the store
   */
  record Version(String domain, String version) implements ModelName {}

  /** {@code hf:<repo>[@rev]}, or a path under {@code models/base/} that is no domain's name. */
  record Base(String name) implements ModelName {}

  /**
   * @throws IllegalArgumentException naming a model that can be none of them
   */
  static ModelName parse(String model) {
    String name = model.strip();
    if (HubModel.isHubReference(name)) {
      try {
        HubModel.parse(name);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "model '" + model + "' is not a Hub reference: " + e.getMessage(), e);
      }
      return new Base(name);
    }
    Matcher version = VERSION.matcher(name);
    if (version.matches()) {
      return new Version(version.group(1), "v" + Integer.parseInt(version.group(2)));
    }
    if (DOMAIN.matcher(name).matches()) {
      return new Plain(name);
    }
    if (BASE.matcher(name).matches()) {
      return new Base(name);
    }
    throw new IllegalArgumentException(
        "model '"
            + model
            + "' is not known: a domain, <domain>:v<N>, hf:<repo>[@revision] or a base under"
            + " models/base/");
  }
}
