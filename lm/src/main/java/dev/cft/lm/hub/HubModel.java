package dev.cft.lm.hub;

import java.util.regex.Pattern;

/**
 * A model repository of the Hugging Face Hub at a revision (branch, tag or commit): {@code
 * org/name[@revision]}, as {@code CFT_TRAIN_BASE_MODEL=hf:org/name@rev} and {@code ./pipeline base
 * pull} name it.
 */
public record HubModel(String repo, String revision) {
  public static final String PREFIX = "hf:";
  public static final String DEFAULT_REVISION = "main";

  private static final Pattern REPO =
      Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,95}(/[A-Za-z0-9][A-Za-z0-9._-]{0,95})?");
  private static final Pattern REVISION = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._/-]{0,199}");

  public HubModel {
    if (repo == null || !REPO.matcher(repo).matches() || repo.contains("..")) {
      throw new IllegalArgumentException(
          "'" + repo + "' is not a Hub repository id (org/name: letters, digits, . _ -)");
    }
    if (revision == null || !REVISION.matcher(revision).matches() || revision.contains("..")) {
      throw new IllegalArgumentException(
          "'" + revision + "' is not a revision (a branch, a tag or a commit)");
    }
  }

  /** {@code org/name} or {@code org/name@revision}, with or without the {@code hf:} prefix. */
  public static HubModel parse(String spec) {
    String s = spec.startsWith(PREFIX) ? spec.substring(PREFIX.length()) : spec;
    int at = s.indexOf('@');
    return at < 0
        ? new HubModel(s, DEFAULT_REVISION)
        : new HubModel(s.substring(0, at), s.substring(at + 1));
  }

  public static boolean isHubReference(String baseModel) {
    return baseModel.startsWith(PREFIX);
  }

  /**
   * Its name among the base models ({@code models/base/<name>/}): {@code org--name}, and {@code
   * @revision} (slashes as {@code --}) unless it is {@code main}.
   */
  public String baseName() {
    String name = repo.replace("/", "--");
    return revision.equals(DEFAULT_REVISION) ? name : name + "@" + revision.replace("/", "--");
  }

  @Override
  public String toString() {
    return repo + "@" + revision;
  }
}
