package dev.cft.events;

/**
 * Where the registry keeps a domain's models in the models bucket: versions under {@code
 * <domain>/versions/<v>/} (a Hugging Face checkpoint plus {@code card.json} and, once judged,
 * {@code evaluation.json}), aliases under {@code <domain>/aliases/}, the alias history in {@code
 * <domain>/history.jsonl}, base checkpoints under {@code base/<name>/}.
 */
public final class ModelKeys {
  /**
   * What a domain may be called: domains name model lines, Kafka keys and {@code /v1/models} ids,
   * so they are kept to URL-safe names (ingest for dropped files, deploy for API jobs).
   */
  public static final java.util.regex.Pattern DOMAIN =
      java.util.regex.Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

  public static final String CARD = "card.json";
  public static final String EVALUATION = "evaluation.json";
  public static final String PRODUCTION = "production";
  public static final String PREVIOUS = "previous";

  private ModelKeys() {}

  public static String version(String domain, String version) {
    return domain + "/versions/" + version + "/";
  }

  /** A candidate is named after the dataset version it was trained on. */
  public static String versionName(int datasetVersion) {
    return "v" + datasetVersion;
  }

  /**
   * How serving and the fine-tuning API name a version: {@code <domain>:<version>}, e.g. {@code
   * support:v7}.
   */
  public static String servedName(String domain, String version) {
    return domain + ":" + version;
  }

  public static String alias(String domain, String alias) {
    return domain + "/aliases/" + alias + ".json";
  }

  /**
   * A domain's training settings that override the service's ({@code
   * models/<domain>/training.json}).
   */
  public static String training(String domain) {
    return domain + "/training.json";
  }

  public static String history(String domain) {
    return domain + "/history.jsonl";
  }

  public static String base(String name) {
    return "base/" + name + "/";
  }
}
