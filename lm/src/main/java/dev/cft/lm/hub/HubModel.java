package dev.cft.lm.hub;

import java.util.regex.Pattern;

/**
 * A model repository of the Hugging Face Hub at a revision (branch, tag or commit): {@code
 * org/name[@revision]}, as {@code CFT_TRAIN_BASE_MODEL=hf:org/name@rev} and {@code ./pipeline base
 * pull} name it.
 */
public record HubModel(String repo, String revision, String commit) {
  public static final String PREFIX = "hf:";
  public static final String DEFAULT_REVISION = "main";

  private static final Pattern REPO =
      Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,95}(/[A-Za-z0-9][A-Za-z0-9._-]{0,95})?");
  private static final Pattern REVISION = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._/-]{0,199}");
  private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{40}");

  /** A revision not resolved yet. */
  public HubModel(String repo, String revision) {
    this(repo, revision, null);
  }

  /**
   * @param commit the commit {@code revision} resolved to, which every file is then asked by (so a
   *     branch that moves during a download cannot mix two commits); null before it is known
   */
  public HubModel {
    if (repo == null || !REPO.matcher(repo).matches() || repo.contains("..")) {
      throw new IllegalArgumentException(
          "'" + repo + "' is not a Hub repository id (org/name: letters, digits, . _ -)");
    }
    if (revision == null || !REVISION.matcher(revision).matches() || revision.contains("..")) {
      throw new IllegalArgumentException(
          "'" + revision + "' is not a revision (a branch, a tag or a commit)");
    }
    if (commit != null && !isCommit(commit)) {
      throw new IllegalArgumentException("'" + commit + "' is not a commit id");
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

  /** This revision, its files asked for by {@code resolved}, the commit it resolved to. */
  public HubModel pinnedTo(String resolved) {
    return new HubModel(repo, revision, resolved);
  }

  /** What the Hub's URLs name: the commit once known, else the revision. */
  public String ref() {
    return commit != null ? commit : revision;
  }

  /** Whether {@code text} is a full commit id (40 lower-case hex digits). */
  public static boolean isCommit(String text) {
    return text != null && COMMIT.matcher(text).matches();
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
